import { Lexer, Source, TokenKind } from 'graphql';

/**
 * Counts the document's tokens (comments excluded) with graphql's own Lexer, stopping as soon as
 * `tokensMax` is passed, so refusing a huge document never pays for parsing it. Throws the Lexer's
 * GraphQLError on a character that cannot start a token.
 */
export function countTokens(documentText: string, tokensMax: number): { count: number; exceeded: boolean } {
  const lexer = new Lexer(new Source(documentText));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) {
    count += 1;
    if (count > tokensMax) return { count, exceeded: true };
  }
  return { count, exceeded: false };
}
