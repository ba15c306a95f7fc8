/** Errors that belong to no single field, shown above a form (or next to a button). */
export function FormAlert({ messages, testId = 'form-error' }: { messages: string[]; testId?: string }) {
  if (messages.length === 0) return null;
  return (
    <div className="alert alert-error" role="alert" data-testid={testId}>
      {messages.length === 1 ? (
        <p>{messages[0]}</p>
      ) : (
        <ul>
          {messages.map((message) => (
            <li key={message}>{message}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
