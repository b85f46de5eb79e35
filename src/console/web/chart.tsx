import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

const PALETTE = ['#1f4fa3', '#c0392b', '#2e8b57', '#b8860b', '#6a3d9a', '#008b8b', '#d35400', '#5d6d7e'];

export interface ChartLine {
  label: string;
  values: (number | null)[];
}

/** A time chart (uPlot, on a canvas) with its text alternative: `summary` says in words what it shows. */
export function TimeChart({
  title,
  summary,
  at,
  lines,
  unit,
  points = false,
}: {
  title: string;
  summary: string;
  at: number[];
  lines: ChartLine[];
  unit: string;
  /** Marks each value, for lines with gaps (a step with no token has no latency). */
  points?: boolean;
}) {
  const container = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = container.current!;
    const plot = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: 220,
        series: [
          {},
          ...lines.map((line, index) => ({
            label: line.label,
            stroke: PALETTE[index % PALETTE.length],
            width: 2,
            points: { show: points },
          })),
        ],
        axes: [{}, { label: unit, size: 60 }],
        scales: { x: { time: true } },
      },
      [at, ...lines.map((line) => line.values)],
      element,
    );
    return () => plot.destroy();
  }, [at, lines, unit, points]);
  return (
    <figure class="chart">
      <figcaption>{title}</figcaption>
      <div ref={container} role="img" aria-label={summary} />
    </figure>
  );
}
