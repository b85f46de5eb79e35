import { SharedRows } from './shared-rows';
import { LogRow } from './stream-events';

const row = (seq: number, outcome: string): LogRow => ({
  id: `row-${seq}`,
  outcome,
  chain_seq: String(seq),
  chain_prev: `prev-${seq}`,
  chain_hash: `hash-${seq}`,
});

describe('SharedRows', () => {
  const rows = [row(1, 'issued'), row(2, 'refused')];

  it('makes each row into its event and JSON once per form, for every sink that sends it', () => {
    const page = new SharedRows('token_issuances', 'tenant', rows);
    const all = page.events(() => true);
    const refusalsOnly = page.events((candidate) => candidate.outcome === 'refused');
    expect(page.events(() => true)[0]).toBe(all[0]);
    expect(refusalsOnly[1]).toBe(all[1]);
    expect(refusalsOnly[0]).not.toBe(all[0]);
    expect(refusalsOnly[0].event).toMatchObject({ seq: '1', hash: 'hash-1', elided: true, content: null });
    expect(JSON.parse(all[0].json)).toEqual(all[0].event);
    expect(all[0].event.content).toMatchObject({ id: 'row-1', outcome: 'issued' });
  });
});
