// Every error of this package names the file or folder at fault, so a user can fix it from one line.

/** Base class: `path` is the file or folder the problem is about. */
export class DataError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A split folder (`train/` or `val/`) or a dataset root does not exist or is not a folder. */
export class MissingSplitError extends DataError {
  constructor(path: string, what = 'dataset folder') {
    super(
      `${what} not found: ${path} (expected an ImageNet-style layout: ROOT/train/CLASS/*.jpg and ROOT/val/CLASS/*.jpg)`,
      path,
    );
  }
}

/** A split folder holds no class sub-folders at all. */
export class NoClassesError extends DataError {
  constructor(path: string) {
    super(`no class folders in ${path}: put each class's images in its own sub-folder`, path);
  }
}

/** A class folder holds no file with an allowed image extension (torchvision refuses this too). */
export class EmptyClassError extends DataError {
  constructor(path: string, extensions: readonly string[]) {
    super(`class folder has no images (${extensions.join(' ')}): ${path}`, path);
  }
}

/** train/ and val/ disagree on the class list, so label indices would not mean the same class. */
export class ClassMismatchError extends DataError {
  constructor(path: string, detail: string) {
    super(`class folders of ${path} differ from the other split: ${detail}`, path);
  }
}

/** An image file cannot be read or decoded. */
export class ImageDecodeError extends DataError {
  constructor(path: string, reason: string) {
    super(`cannot decode image ${path}: ${reason}`, path);
  }
}

/** An idx file (MNIST format) is truncated, has a bad magic number or an unexpected shape. */
export class IdxFormatError extends DataError {
  constructor(path: string, reason: string) {
    super(`bad idx file ${path}: ${reason}`, path);
  }
}

/** The output folder of a converter already exists with other content. */
export class DestinationExistsError extends DataError {
  constructor(path: string) {
    super(
      `${path} already exists and was not written by this converter with the same options: remove it or pick another folder`,
      path,
    );
  }
}

/** An option is out of range; `path` holds the option's name. */
export class DataOptionError extends DataError {
  constructor(option: string, reason: string) {
    super(`invalid ${option}: ${reason}`, option);
  }
}
