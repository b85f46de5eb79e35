import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { Dispatcher } from 'undici';
import { invalidField } from '../common/errors/validation-errors';
import { AppConfig } from '../config/app-config';
import { guardedDispatcher, Resolver } from './guarded-dispatcher';
import { urlProblem, UrlProblem } from './network-policy';

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
};

/**
 * The SSRF guard for every request to a URL a tenant chose: checked when the URL is saved (`assertAllowed`) and
 * again where the connection is made (`dispatcher`). With ALLOW_PRIVATE_NETWORK_URLS (tests, the sandbox) both
 * allow loopback and plain http; production refuses to start with it.
 */
@Injectable()
export class OutboundPolicy implements OnModuleDestroy {
  readonly dispatcher: Dispatcher;
  private readonly allowPrivate: boolean;

  constructor(
    config: AppConfig,
    @Inject(OUTBOUND_RESOLVER) resolver: Resolver,
    @Inject(OUTBOUND_EXTRA_CA_CERTIFICATES) extraCaCertificates: string[],
  ) {
    this.allowPrivate = config.allowPrivateNetworkUrls;
    this.dispatcher = guardedDispatcher({ allowPrivate: this.allowPrivate, resolver, extraCaCertificates });
  }

  /** Whether a request may go to `url` at all: https only, unless private URLs are allowed (the address is checked on connect). */
  allowsRequestTo(url: URL): boolean {
    return this.allowPrivate || url.protocol === 'https:';
  }

  /** Refuses (400, naming `field`) a URL Callpass must not call; https only unless private URLs are allowed. */
  assertAllowed(url: string, field: string): void {
    const problem = urlProblem(url, { httpsOnly: !this.allowPrivate });
    if (problem && !(this.allowPrivate && problem === 'private_address')) throw invalidField(field, `${field} ${PROBLEMS[problem]}`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.dispatcher.close();
  }
}
