/* Quantities with units ("10Gbps", "50us", "2Gf", "64KiB"), every kind. */
#include "fuzz_input.h"
#include "simgrad/units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    for (int kind = SGR_UNIT_BANDWIDTH; kind <= SGR_UNIT_SIZE; kind++) {
        double v;
        sgr_err err;
        if (sgr_unit_parse((sgr_unit_kind)kind, text, &v, &err) == 0 && !(v >= 0))
            abort(); /* the contract: a parsed quantity is a non-negative number */
    }
    free(text);
    return 0;
}
