/** Top-1 accuracy per class: how many images of each class were seen and how many were right. */
export class PerClassAccuracy {
  readonly seen: Int32Array;
  readonly correct: Int32Array;

  constructor(readonly classes: number) {
    this.seen = new Int32Array(classes);
    this.correct = new Int32Array(classes);
  }

  add(labels: ArrayLike<number>, hits1: ArrayLike<number>): void {
    for (let i = 0; i < labels.length; i++) {
      const c = labels[i]!;
      this.seen[c]!++;
      if (hits1[i]) this.correct[c]!++;
    }
  }

  /** Per class: top-1 % (null for a class with no images), optionally labelled with names. */
  table(names?: readonly string[]): { class: string; count: number; top1: number | null }[] {
    return Array.from(this.seen, (n, c) => ({
      class: names?.[c] ?? String(c),
      count: n,
      top1: n === 0 ? null : (this.correct[c]! * 100) / n,
    }));
  }
}
