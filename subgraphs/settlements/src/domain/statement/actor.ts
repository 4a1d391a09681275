/** Who acts on a period: the `sub` and `roles` claims of the caller's token (DESIGN.md section 6). */
export interface Actor {
  id: string;
  roles: readonly string[];
}

/** Closing, approving, paying and deciding adjustments are finance work (DESIGN.md 5.5). */
export const financeRole = 'FINANCE';

/**
 * The closer recorded when a period closes by itself (`autoCloseAfterHours`). The colon keeps it apart
 * from any token `sub`, so maker-checker lets every FINANCE user approve an auto-closed period.
 */
export const autoCloseActorId = 'system:auto-close';

export function isFinance(actor: Actor): boolean {
  return actor.roles.includes(financeRole);
}
