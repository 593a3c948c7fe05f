import { FormatError } from '../errors.js';
import { PyObject, PyTuple, type PyValue } from '../pyvalue.js';
import { normalizeInt } from './reader.js';

/**
 * numpy.core.multiarray.scalar(dtype, bytes): a numpy scalar such as `np.float64(76.1)`, which
 * HAWQ-era scripts store as best_acc1. Decoded to a JS number (bool → boolean, big ints → bigint).
 */
export function numpyScalar(args: PyValue[]): PyValue {
  const [dtype, data] = args;
  if (args.length !== 2 || !(dtype instanceof PyObject) || dtype.qualifiedName !== 'numpy.dtype') {
    throw new FormatError('numpy scalar expects (dtype, bytes)');
  }
  if (!(data instanceof Uint8Array)) throw new FormatError('numpy scalar expects bytes');
  const code = dtype.args[0];
  if (typeof code !== 'string') throw new FormatError('numpy dtype code must be a str');
  // BUILD state of numpy.dtype: (version, byteorder, ...); '>' means big-endian.
  const order = dtype.state instanceof PyTuple ? dtype.state.items[1] : '<';
  const little = order !== '>';
  const kind = code[0];
  const size = Number(code.slice(1));
  if (data.length !== size) {
    throw new FormatError(`numpy scalar of dtype ${code} holds ${data.length} bytes`);
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  switch (`${kind}${size}`) {
    case 'f8':
      return view.getFloat64(0, little);
    case 'f4':
      return view.getFloat32(0, little);
    case 'i8':
      return normalizeInt(view.getBigInt64(0, little));
    case 'u8':
      return normalizeInt(view.getBigUint64(0, little));
    case 'i4':
      return view.getInt32(0, little);
    case 'u4':
      return view.getUint32(0, little);
    case 'i2':
      return view.getInt16(0, little);
    case 'u2':
      return view.getUint16(0, little);
    case 'i1':
      return view.getInt8(0);
    case 'u1':
      return view.getUint8(0);
    case 'b1':
      return view.getUint8(0) !== 0;
    default:
      throw new FormatError(`numpy scalar dtype ${code} is not supported`);
  }
}
