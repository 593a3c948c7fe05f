// HAWQ's AverageMeter (utils/misc in quant_train.py): `update(val, n)` adds val·n to the sum and n
// to the count, so a batch's accuracy is weighted by its size and the average is per image.
export class AverageMeter {
  val = 0;
  sum = 0;
  count = 0;

  constructor(readonly name: string) {}

  update(val: number, n = 1): void {
    this.val = val;
    this.sum += val * n;
    this.count += n;
  }

  get avg(): number {
    return this.count === 0 ? 0 : this.sum / this.count;
  }

  reset(): void {
    this.val = 0;
    this.sum = 0;
    this.count = 0;
  }
}
