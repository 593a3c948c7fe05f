// What every HAWQ Q-model derives from its list of named modules: lookup by name, the activation
// quantizers, and HAWQ's freeze_model / unfreeze_model.
import { QuantAct, type QuantBnConv2d, type QuantLinear } from '@hawq-ts/core';
import { QModelError } from './errors.js';

export type QModule = QuantAct | QuantBnConv2d | QuantLinear;

export abstract class QModel {
  /** HAWQ class name of this model (Q_ResNet18, Q_InceptionV3, …). */
  abstract get className(): string;

  /** Every stateful module with its full HAWQ name, in registration (state_dict) order. */
  abstract namedModules(): [string, QModule][];

  module(name: string): QModule {
    const hit = this.namedModules().find(([n]) => n === name);
    if (!hit) throw new QModelError(`${this.className} has no module named ${name}`);
    return hit[1];
  }

  activationQuantizers(): QuantAct[] {
    return this.namedModules()
      .map(([, m]) => m)
      .filter((m): m is QuantAct => m instanceof QuantAct);
  }

  /** freeze_model: ranges stop updating, BN stays folded. */
  freeze(): void {
    for (const [, m] of this.namedModules()) m.fix();
  }

  unfreeze(): void {
    for (const [, m] of this.namedModules()) m.unfix();
  }

  /** Forget every activation range, so the next forward initialises it (x_min = x_max = 0). */
  resetActivationRanges(): void {
    for (const a of this.activationQuantizers()) a.resetRange();
  }
}
