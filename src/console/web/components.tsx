import { ApiError } from './api';

/** A refusal in words, with its code: what the API answered, never a bare status. */
export function ErrorNotice({ error }: { error: ApiError }) {
  return (
    <p class="error" role="alert">
      {error.message} <code>{error.code}</code>
    </p>
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
