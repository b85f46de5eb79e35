import { ApiError, ErrorDetails } from './api';

/** A refusal in words, with its code and, for invalid input, each field's problem: never a bare status. */
export function ErrorNotice({ error }: { error: Pick<ApiError, 'message' | 'code'> & { details?: ErrorDetails } }) {
  return (
    <div class="error" role="alert">
      <p>
        {error.message} <code>{error.code}</code>
      </p>
      {error.details?.fields && (
        <ul>
          {error.details.fields.map((field) => (
            <li key={field.field}>
              <code>{field.field}</code>: {field.messages.join('; ')}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** What an empty list means, and what to do next. */
export function EmptyState({ title, children }: { title: string; children: preact.ComponentChildren }) {
  return (
    <section class="empty">
      <h2>{title}</h2>
      <p>{children}</p>
    </section>
  );
}

export interface Column<Row> {
  header: string;
  cell: (row: Row) => preact.ComponentChildren;
}

/** A list as a table: a caption, a header per column, a row per item (keyed by its id). */
export function DataTable<Row extends { id: string }>({
  caption,
  columns,
  rows,
}: {
  caption: string;
  columns: Column<Row>[];
  rows: Row[];
}) {
  return (
    <table>
      <caption>{caption}</caption>
      <thead>
        <tr>
          {columns.map((column) => (
            <th key={column.header} scope="col">
              {column.header}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            {columns.map((column) => (
              <td key={column.header}>{column.cell(row)}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
