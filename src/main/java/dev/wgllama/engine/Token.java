package dev.wgllama.engine;

/**
 * One generated token as it streams out.
 *
 * @param id   the token id
 * @param text the text that became final with this token: whole UTF-8 characters only, so often {@code ""} while
 *             a character's bytes or a possible stop string are still pending; the pending text comes with a
 *             later token (at the latest the last one). The texts of all tokens concatenate to
 *             {@link GenerateResult#text()}.
 */
public record Token(int id, String text) {
}
