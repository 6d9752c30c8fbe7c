// The Chat Completions mapping moved to @spillway/core/chat-completions (decision 0804); this subpath
// keeps earlier imports working.
export * from '@spillway/core/chat-completions';
