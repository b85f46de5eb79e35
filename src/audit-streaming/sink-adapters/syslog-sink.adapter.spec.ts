import { syslogAddress } from './syslog-sink.adapter';

describe('syslogAddress', () => {
  it.each([
    ['syslog-tls://collector.example.com', 'collector.example.com', 6514],
    ['syslog-tls://collector.example.com:443', 'collector.example.com', 443],
    ['syslog-tls://collector.example.com:10514/', 'collector.example.com', 10514],
    ['syslog-tls://[2001:db8::1]:6514', '2001:db8::1', 6514],
    ['syslog-tls://0x7f000001', '127.0.0.1', 6514],
  ])('%s is %s port %d', (url, hostname, port) => {
    expect(syslogAddress(url)).toEqual({ hostname, port });
  });
});
