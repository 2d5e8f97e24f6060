/*
 * text.h - the words of the SIL text form, shared by the assembler and the
 * disassembler so that the two can never disagree on a spelling.
 *
 * Invariant: every table here is indexed by the binary code it names, and a
 * name printed by sil_dis is read back by sil_asm as the same code.  Nothing
 * here allocates or reports errors.
 */
#ifndef SIL_TEXT_H
#define SIL_TEXT_H

#include <stddef.h>
#include <stdio.h>

/* Indexed by enum sil_tkind (entry 0 unused), sil_side, sil_dir, sil_pkind,
 * sil_hwkind and the hardware `shared` flag. */
extern const char *const sil_tkind_names[10]; /* SIL_TK__COUNT */
extern const char *const sil_side_names[2];
extern const char *const sil_dir_names[2];
extern const char *const sil_pkind_names[3];
extern const char *const sil_hwkind_names[3];
extern const char *const sil_shared_names[2];

/* Index of the word s[0..n) in tab[0..count), or -1. NULL entries never match. */
int sil_text_find(const char *const *tab, size_t count, const char *s, size_t n);

/* Identifier syntax: [A-Za-z_$][A-Za-z0-9_$.]* */
int sil_text_ident_start(int c);
int sil_text_ident_char(int c);

/* Print a name bare if it is an identifier, else as a quoted string. */
void sil_text_name(FILE *out, const char *s);
/* Print bytes as a quoted string with \n \t \\ \" \xHH escapes. */
void sil_text_string(FILE *out, const char *s, size_t n);

#endif
