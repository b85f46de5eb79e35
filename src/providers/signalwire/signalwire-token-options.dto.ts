import { IsOptional, IsUUID, Matches } from 'class-validator';
import { IsAddressList } from './address-list.decorator';

/** `options` of a `subscriber` token. */
export class SubscriberTokenOptionsDto {
  /**
   * The browser's DPoP key thumbprint (RFC 7638, base64url, 43 characters). Makes a client-bound SAT that the
   * browser refreshes itself (scope `sat:refresh`); Callpass then keeps no refresh token.
   */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{43}$/, { message: 'fingerprint must be a 43-character base64url key thumbprint' })
  fingerprint?: string;
}

/** `options` of a `guest` token. */
export class GuestTokenOptionsDto {
  /** A subset of the endpoint's allowed addresses; omit for all of them. */
  @IsOptional()
  @IsAddressList()
  allowedAddresses?: string[];
}

/** `options` of an `invite` token. */
export class InviteTokenOptionsDto {
  /** The one address the invite may call; must be among the endpoint's allowed addresses. */
  @IsUUID()
  addressId: string;
}
