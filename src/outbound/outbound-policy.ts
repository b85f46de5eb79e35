import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { isIP } from 'node:net';
import { TLSSocket } from 'node:tls';
import { Agent, buildConnector, Dispatcher } from 'undici';
import { invalidField } from '../common/errors/validation-errors';
import { AppConfig } from '../config/app-config';
import { guardedConnector, Resolver } from './guarded-dispatcher';
import { PrivateHostAllowList, urlProblem, UrlProblem } from './network-policy';

/** Injection token for the resolver the dispatcher checks names with (tests resolve names to loopback). */
export const OUTBOUND_RESOLVER = Symbol('OutboundResolver');
/**
 * Injection token for CA certificates (PEM) trusted on top of Node's store: none in production, where a private CA is
 * trusted with NODE_EXTRA_CA_CERTS (read at start-up); tests that start their own CA set it.
 */
export const OUTBOUND_EXTRA_CA_CERTIFICATES = Symbol('OutboundExtraCaCertificates');

const PROBLEMS: Record<UrlProblem, string> = {
  not_http: 'must be an http(s) URL',
  not_https: 'must be an https URL',
  credentials: 'must not contain credentials',
  private_address: 'must not point at a loopback, private, link-local or metadata address',
  non_default_port: "must use https's default port (443): other ports are reached only on hosts the operator allows",
};

/** Why a JWKS may not be fetched from a URL, checked at each fetch too (a URL stored before a rule was in force). */
export type JwksRequestProblem = 'not_https' | 'forbidden_port';

/** Extra rules for a URL: `jwks` adds, in production, https's default port only (no port probing through the PUT check). */
export type UrlPurpose = 'provider' | 'jwks';

/**
 * The SSRF guard for every request to a URL a tenant chose: checked when the URL is saved (`assertAllowed`) and
 * again where the connection is made (`dispatcher`). The operator's OUTBOUND_ALLOWED_PRIVATE_HOSTS admits named
 * private hosts and ranges at both points. With ALLOW_PRIVATE_NETWORK_URLS (tests, the sandbox) both allow loopback
 * and plain http; production refuses to start with it.
 */
@Injectable()
export class OutboundPolicyService implements OnModuleDestroy {
  readonly dispatcher: Dispatcher;
  private readonly connector: buildConnector.connector;
  private readonly allowPrivate: boolean;
  private readonly production: boolean;
  private readonly allowList: PrivateHostAllowList;

  constructor(
    config: AppConfig,
    @Inject(OUTBOUND_RESOLVER) resolver: Resolver,
    @Inject(OUTBOUND_EXTRA_CA_CERTIFICATES) extraCaCertificates: string[],
  ) {
    this.allowPrivate = config.allowPrivateNetworkUrls;
    this.production = config.isProduction;
    this.allowList = new PrivateHostAllowList(config.outboundAllowedPrivateHosts);
    this.connector = guardedConnector({ allowPrivate: this.allowPrivate, allowList: this.allowList, resolver, extraCaCertificates });
    this.dispatcher = new Agent({ connect: this.connector });
  }

  /**
   * A TLS stream to `hostname:port` (a syslog collector), under the same guard and trusted CAs as the dispatcher:
   * the address checked after resolution, the certificate checked against the host name.
   */
  connectTls(hostname: string, port: number): Promise<TLSSocket> {
    // `host` as in a URL (an IPv6 address in brackets), from which undici takes the name the certificate must hold.
    const host = isIP(hostname) === 6 ? `[${hostname}]` : hostname;
    return new Promise((resolve, reject) => {
      this.connector({ hostname, host, port: String(port), protocol: 'https:', servername: undefined }, (error, socket) =>
        error ? reject(error) : resolve(socket as TLSSocket),
      );
    });
  }

  /** Whether a request may go to `url` at all: https only, unless private URLs are allowed (the address is checked on connect). */
  allowsRequestTo(url: URL): boolean {
    return this.allowPrivate || url.protocol === 'https:';
  }

  /** Why a JWKS must not be fetched from `url` before any connection is tried, or undefined (addresses are checked on connect). */
  jwksRequestProblem(url: URL): JwksRequestProblem | undefined {
    if (!this.allowsRequestTo(url)) return 'not_https';
    if (this.defaultPortOnly('jwks') && url.port !== '' && !this.allowList.allowsHost(url.hostname)) return 'forbidden_port';
    return undefined;
  }

  /**
   * Refuses (400, naming `field`) a URL Callpass must not call: https only unless private URLs are allowed, no private
   * host the operator has not listed, and for a JWKS in production no port but 443 unless the host is listed.
   */
  assertAllowed(url: string, field: string, purpose: UrlPurpose = 'provider'): void {
    const problem = urlProblem(url, {
      httpsOnly: !this.allowPrivate,
      allowList: this.allowList,
      defaultPortOnly: this.defaultPortOnly(purpose),
    });
    if (problem && !(this.allowPrivate && problem === 'private_address')) throw invalidField(field, `${field} ${PROBLEMS[problem]}`);
  }

  private defaultPortOnly(purpose: UrlPurpose): boolean {
    return purpose === 'jwks' && this.production;
  }

  async onModuleDestroy(): Promise<void> {
    await this.dispatcher.close();
  }
}
