/*
 * The test files of the C suite, one concern each; test_openint.c's main runs them in order.
 * Each suite_* function registers its tests with tk_run (so --filter applies to them).
 */
#ifndef OPENINT_SUITES_H
#define OPENINT_SUITES_H

#ifdef __cplusplus
extern "C" {
#endif

void suite_operations(void); /* test_operations.c: all 21 operations, errors, roles, bad input */
void suite_listings(void);   /* test_listings.c: every list walked to its end */
void suite_responses(void);  /* test_responses.c: response accessors, the raw escape hatch */
void suite_options(void);    /* test_options.c: per-call options */
void suite_cancel(void);     /* test_cancel.c: cancellation in every phase */
void suite_logging(void);    /* test_logging.c: loggers, levels, redaction */
void suite_misuse(void);     /* test_misuse.c: C ABI misuse */
void suite_hostile(void);    /* test_hostile.c: hostile answers (the server's `hostile` key) */
void suite_examples(void);   /* test_examples.c: the programs of examples/ (run.sh builds them) */
void examples_set_dir(const char *dir);

#ifdef __cplusplus
}
#endif

#endif
