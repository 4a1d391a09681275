/**
 * The live dashboard: one self-contained page (no CDN) that speaks the graphql-transport-ws protocol
 * over a plain WebSocket and shows each partner's running settlement as deltas arrive.
 */
export const dashboardHtml = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Clearhouse — live settlements</title>
<style>
 body{font:14px system-ui,sans-serif;margin:2rem;color:#1b1f24;background:#f6f7f9}
 h1{font-size:1.3rem} table{border-collapse:collapse;background:#fff;min-width:60rem}
 td,th{padding:.4rem .7rem;border-bottom:1px solid #e3e6ea;text-align:right} th:first-child,td:first-child{text-align:left}
 input{width:40rem} #status{margin:.5rem 0;color:#555} .flash{background:#fff6d6}
</style></head><body>
<h1>Clearhouse — live settlements</h1>
<p>Token (<code>npm run token -- --role FINANCE</code>): <input id="token" placeholder="eyJ…"> <button id="go">Connect</button></p>
<div id="status">Not connected.</div>
<table><thead><tr><th>Partner</th><th>Period start</th><th>Seq</th><th>Currency</th><th>GGR</th><th>NGR</th><th>Fee so far</th><th>Payable</th><th>Updated</th></tr></thead>
<tbody id="rows"></tbody></table>
<script>
const q = 'subscription { settlementDeltas { seq at fee payable partner { id name } period { start currency } totals { ggr ngr } } }';
const rows = new Map();
const token = document.getElementById('token');
token.value = localStorage.getItem('clearhouseToken') || '';
// Amounts stay strings (never a JS number): unrounded GGR/NGR are cut to 2 places for display only.
function cents(v) { const [whole, fraction = ''] = String(v).split('.'); return whole + '.' + (fraction + '00').slice(0, 2); }
function show(d) {
  const key = d.partner.id + d.period.start;
  let tr = rows.get(key);
  if (!tr) { tr = document.createElement('tr'); rows.set(key, tr); document.getElementById('rows').prepend(tr); }
  tr.innerHTML = [d.partner.name, d.period.start.slice(0, 10), d.seq, d.period.currency, d.totals.ggr, d.totals.ngr, d.fee, d.payable, d.at.slice(11, 19)]
    .map((v, i) => '<td>' + (i >= 4 && i <= 5 ? cents(v) : v) + '</td>').join('');
  tr.className = 'flash'; setTimeout(() => tr.className = '', 400);
}
document.getElementById('go').onclick = () => {
  localStorage.setItem('clearhouseToken', token.value.trim());
  const ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/graphql', 'graphql-transport-ws');
  const status = document.getElementById('status');
  ws.onopen = () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: 'Bearer ' + token.value.trim() } }));
  ws.onmessage = (m) => {
    const msg = JSON.parse(m.data);
    if (msg.type === 'connection_ack') { status.textContent = 'Connected; waiting for deltas…'; ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: q } })); }
    if (msg.type === 'next' && msg.payload.data) { status.textContent = 'Live.'; show(msg.payload.data.settlementDeltas); }
    if (msg.type === 'error') status.textContent = 'Error: ' + JSON.stringify(msg.payload);
  };
  ws.onclose = (e) => status.textContent = 'Closed (' + e.code + ' ' + e.reason + ').';
};
</script></body></html>`;
