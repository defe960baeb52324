/* Tests of this concern come in the next commits. */
#include "suites.h"

void suite_logging(void) {}
