// Replaced by the PostgreSQL bootstrap once the infrastructure lands.
export default function setup(): void {}
