import { Matches } from 'class-validator';

/** An access key of the bucket's store allowed to put objects (and nothing more, ideally). Never returned. */
export class ObjectStorageCredentialsDto {
  /** @example "AKIAIOSFODNN7EXAMPLE" */
  @Matches(/^[\x21-\x7e]{1,128}$/, { message: 'accessKeyId must be 1 to 128 printable characters' })
  accessKeyId: string;

  @Matches(/^[\x21-\x7e]{1,256}$/, { message: 'secretAccessKey must be 1 to 256 printable characters' })
  secretAccessKey: string;
}
