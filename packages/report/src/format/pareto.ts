/**
 * The Pareto front of (cost, accuracy) points — lower cost and higher accuracy are better — in
 * increasing cost: a point is on the front when no other point is at most as costly and at least
 * as accurate (and better in one of the two).
 */
export function paretoFront(points: readonly [number, number][]): [number, number][] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const front: [number, number][] = [];
  for (const p of sorted) {
    if (front.length === 0 || p[1] > front[front.length - 1]![1]) front.push(p);
  }
  return front;
}
