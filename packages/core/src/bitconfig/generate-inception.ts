import { INCEPTION_INIT_BLOCK, INCEPTION_UNITS } from '../arch/index.js';
import type { BitConfig } from './types.js';

/**
 * Q_InceptionV3's uniform bit config in bit_config.py's order (hawq-spec §2): fixed 8-bit input
 * activation, stem conv1, concat activation and FC; fixed 16-bit branch outputs (the last
 * `q_activ` of every branch), `q_conv5.q_activ`, every `q_rescaling_activ` and the `q_input_act`
 * of pool branches; `bits` everywhere else. Note bit_config.py lists an avg-pool branch as
 * q_input_act, q_conv.q_convbn, q_pool_act, q_conv.q_activ — not in forward order.
 */
export function inceptionUniformConfig(
  bits: number,
  scheme: string,
  hooks: readonly string[],
): BitConfig {
  const e = new Map<string, number>();
  const ib = 'features.q_init_block';
  e.set(`${ib}.q_input_activ`, 8);
  INCEPTION_INIT_BLOCK.forEach((_, i) => {
    const last = i === INCEPTION_INIT_BLOCK.length - 1;
    e.set(`${ib}.q_conv${i + 1}.q_convbn`, i === 0 ? 8 : bits);
    e.set(`${ib}.q_conv${i + 1}.q_activ`, last ? 16 : bits);
  });
  for (const unit of INCEPTION_UNITS) {
    const up = `features.stage${unit.stage}.unit${unit.unit}`;
    unit.branches.forEach((branch, b) => {
      const p = `${up}.branches.branch${b + 1}`;
      switch (branch.kind) {
        case 'conv1x1':
          e.set(`${p}.q_input_act`, bits);
          e.set(`${p}.q_conv.q_convbn`, bits);
          e.set(`${p}.q_conv.q_activ`, 16);
          break;
        case 'avgpool':
          e.set(`${p}.q_input_act`, 16);
          e.set(`${p}.q_conv.q_convbn`, bits);
          e.set(`${p}.q_pool_act`, bits);
          e.set(`${p}.q_conv.q_activ`, 16);
          break;
        case 'maxpool':
          e.set(`${p}.q_input_act`, 16);
          break;
        case 'seq':
        case 'seq3x3': {
          e.set(`${p}.q_input_act`, bits);
          branch.convs.forEach((_, i) => {
            const branchEnd = branch.kind === 'seq' && i === branch.convs.length - 1;
            e.set(`${p}.q_conv_list.q_conv${i + 1}.q_convbn`, bits);
            e.set(`${p}.q_conv_list.q_conv${i + 1}.q_activ`, branchEnd ? 16 : bits);
          });
          if (branch.kind === 'seq3x3') {
            for (const split of ['q_conv1x3', 'q_conv3x1']) {
              e.set(`${p}.${split}.q_convbn`, bits);
              e.set(`${p}.${split}.q_activ`, 16);
            }
            e.set(`${p}.q_rescaling_activ`, 16);
          }
          break;
        }
      }
    });
    e.set(`${up}.q_rescaling_activ`, 16);
  }
  e.set('features.q_concat_activ', 8);
  e.set('output.q_fc', 8);
  for (const h of hooks) {
    if (!e.has(h)) throw new Error(`internal: hook entry '${h}' is not a Q_InceptionV3 module`);
  }
  return { arch: 'inceptionv3', scheme, entries: e, hooks: new Set(hooks) };
}
