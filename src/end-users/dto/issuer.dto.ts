import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';

/** Signature algorithms of public keys: allowed by default, so a shared secret is never assumed. */
export const ASYMMETRIC_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
] as const;
/** Only for an issuer configured with a shared `secret`. */
export const SHARED_SECRET_ALGORITHMS = ['HS256', 'HS384', 'HS512'] as const;
export const MAX_CLOCK_SKEW_SECONDS = 300;
export const MIN_JWKS_MAX_AGE_SECONDS = 10;
export const MAX_JWKS_MAX_AGE_SECONDS = 3600;

/** One identity provider whose JWTs the tenant's end users present. Exactly one of jwksUrl, publicKeyPem, secret. */
export class IssuerDto {
  /**
   * The tokens' `iss`, exactly.
   * @example "https://login.example.com/"
   */
  @IsString()
  @Length(1, 500)
  issuer: string;

  /**
   * The `aud` the tokens must carry (the API identifier the tenant registered for Callpass at its IdP).
   * @example "callpass"
   */
  @IsString()
  @Length(1, 500)
  audience: string;

  /** Where the issuer publishes its keys (https; fetched through the outbound guard, cached, never redirected). */
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @Length(1, 2048)
  jwksUrl?: string;

  /** The issuer's public key (SPKI PEM), when it has no JWKS. */
  @IsOptional()
  @IsString()
  @Length(1, 16_384)
  @Matches(/^-----BEGIN PUBLIC KEY-----[A-Za-z0-9+/=\s]+-----END PUBLIC KEY-----\s*$/, {
    message: 'publicKeyPem must be a PEM public key (BEGIN PUBLIC KEY)',
  })
  publicKeyPem?: string;

  /** A shared secret for HS256/384/512 tokens: at least 32 characters, encrypted at rest, never returned. */
  @IsOptional()
  @IsString()
  @Length(32, 512)
  secret?: string;

  /** Allowed `alg` values; default every asymmetric one (or HS256 with a secret). */
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(11)
  @ArrayUnique()
  @IsIn([...ASYMMETRIC_ALGORITHMS, ...SHARED_SECRET_ALGORITHMS], { each: true })
  algorithms?: string[];

  /** The `typ` header tokens must carry (e.g. "at+jwt"), if any. */
  @IsOptional()
  @Matches(/^[\x21-\x7e]{1,64}$/)
  tokenType?: string;

  /**
   * The claim holding the user id (the `userId` of their endpoints).
   * @example "sub"
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_:.\-/]{1,100}$/)
  userClaim?: string;

  /**
   * Put before the claim's value to make the Callpass user id (e.g. "staging:"). Required once there are several
   * issuers: two issuers share users only if they have the same prefix ("" for both, say), and different prefixes
   * must be prefix-free (none the start of another; "" starts every prefix).
   * @example ""
   */
  @IsOptional()
  @Matches(/^[\x21-\x7e]{0,50}$/, { message: 'userIdPrefix must be at most 50 printable ASCII characters' })
  userIdPrefix?: string;

  /** Allowed difference between the issuer's clock and Callpass's, 0 to 300 (default 60). */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(MAX_CLOCK_SKEW_SECONDS)
  clockSkewSeconds?: number;

  /**
   * With a jwksUrl: how long a fetched key set is used, 10 to 3600 seconds (default 60), so a key the issuer removed
   * is refused within this long. A shorter Cache-Control max-age on the JWKS answer wins (down to 5 s).
   */
  @IsOptional()
  @IsInt()
  @Min(MIN_JWKS_MAX_AGE_SECONDS)
  @Max(MAX_JWKS_MAX_AGE_SECONDS)
  jwksMaxAgeSeconds?: number;

  /**
   * With a jwksUrl: whether the PUT fetches it once and refuses (422 end_user_jwks_unreachable) when it cannot be
   * fetched or holds no usable key (default true). Not stored; false saves an issuer whose JWKS is not up yet.
   */
  @IsOptional()
  @IsBoolean()
  checkJwks?: boolean;
}
