import { FakeClock } from '../../../test/helpers/fake-clock';
import { RedisChannelsService } from '../../redis/redis-channels';
import { CircuitBreakers, CircuitChange } from './circuit-breaker';
import { redisCircuitNews } from './circuit-news';

/**
 * Redis pub/sub in memory for the processes of one test: as with Redis, a message goes to every subscriber of its
 * channel, its publisher's own connection included.
 */
function inMemoryRedis() {
  const subscribers: { channel: string; handler: (message: string) => void }[] = [];
  return (): RedisChannelsService =>
    ({
      enabled: true,
      subscribe: (channel: string, handler: (message: string) => void) => void subscribers.push({ channel, handler }),
      publish: (channel: string, message: string) =>
        subscribers.filter((subscriber) => subscriber.channel === channel).forEach(({ handler }) => handler(message)),
    }) as unknown as RedisChannelsService;
}

describe('circuit news over Redis', () => {
  const key = '01900000-0000-7000-8000-000000000001 https://api.twilio.com';

  it("tells the other replicas a circuit opened, and does not take back its own news as another's", () => {
    const clock = new FakeClock();
    const channels = inMemoryRedis();
    const opened: string[] = [];
    const replica = (name: string) =>
      new CircuitBreakers(clock, {
        news: redisCircuitNews(channels(), () => ['twilio']),
        opened: (provider, where) => opened.push(`${name} ${where}`),
      });
    const first = replica('first');
    const second = replica('second');

    for (let failure = 0; failure < 5; failure += 1) first.failed(key, 'twilio');

    expect(opened).toEqual(['first here', 'second elsewhere']);
    expect(second.allow(key)).toBe(false);
  });

  // The receiver counts 'Bad Name!' among its providers, so only the check of the message's form can stop it.
  it('delivers from another replica only a well-formed circuit key and provider name', () => {
    const channels = inMemoryRedis();
    const sender = channels();
    const news = redisCircuitNews(channels(), () => ['twilio', 'Bad Name!'])!;
    const received: CircuitChange[] = [];
    news.subscribe((change) => received.push(change));
    const send = (change: Record<string, unknown>) =>
      void sender.publish('callpass:circuits', JSON.stringify({ origin: 'another-replica', ...change }));

    send({ key: 'not a circuit key', provider: 'twilio', openForMs: 30_000 });
    send({ key, provider: 'Bad Name!', openForMs: 30_000 });
    send({ key, provider: 'twilio', openForMs: 30_000 });

    expect(received).toEqual([{ origin: 'another-replica', key, provider: 'twilio', openForMs: 30_000 }]);
  });
});
