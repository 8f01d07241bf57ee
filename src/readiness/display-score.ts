/** Rounded down, so a score shown as 95.0 never sits beside a verdict that says it missed 95. */
export function displayScore(score: number): string {
  return (Math.floor(score * 10) / 10).toFixed(1);
}
