/* Scenario files: load, override with --set, validate against the schema, fill defaults. */
#include "simgrad/scenario.h"

#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

typedef struct ctx {
    const char *file;
    char *warnings;
    size_t warnings_len;
    const sgr_family_keys *const *families;
    const sgr_family_keys *family; /* the chosen one */
    json_t *root;
    sgr_err *err;
} ctx;

size_t sgr_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    size_t *row = malloc((lb + 1) * sizeof *row);
    if (!row)
        return (size_t)-1;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    size_t d = row[lb];
    free(row);
    return d;
}

static const sgr_key *find_in(const sgr_key *keys, const char *path)
{
    for (const sgr_key *k = keys; k && k->path; k++)
        if (strcmp(k->path, path) == 0)
            return k;
    return NULL;
}

const sgr_key *sgr_schema_find(const char *path, const sgr_family_keys *const *families)
{
    const sgr_key *k = find_in(sgr_core_keys, path);
    for (size_t i = 0; !k && families && families[i]; i++)
        k = find_in(families[i]->keys, path);
    return k;
}

/* Keys visible in this scenario: the core ones and the chosen family's. */
static const sgr_key *ctx_find(const ctx *c, const char *path)
{
    const sgr_key *k = find_in(sgr_core_keys, path);
    if (!k && c->family)
        k = find_in(c->family->keys, path);
    return k;
}

static bool is_prefix_of_some_key(const ctx *c, const char *prefix)
{
    size_t n = strlen(prefix);
    const sgr_key *tables[2] = {sgr_core_keys, c->family ? c->family->keys : NULL};
    for (int t = 0; t < 2; t++)
        for (const sgr_key *k = tables[t]; k && k->path; k++)
            if (strncmp(k->path, prefix, n) == 0 && k->path[n] == '.')
                return true;
    return false;
}

/* The closest known key or section to `path` (into buf), or NULL when none is close. Keys
 * are cut to as many parts as `path` has, so a misspelt section ("stragglrs") is matched
 * against section names, not against whichever of its keys happens to be shortest. */
static const char *suggest(const ctx *c, const char *path, char *buf, size_t len)
{
    size_t parts = 1;
    for (const char *p = path; *p; p++)
        parts += *p == '.';
    size_t best_d = (size_t)-1;
    const sgr_key *tables[2] = {sgr_core_keys, c->family ? c->family->keys : NULL};
    for (int t = 0; t < 2; t++) {
        for (const sgr_key *k = tables[t]; k && k->path; k++) {
            char cand[256];
            snprintf(cand, sizeof cand, "%s", k->path);
            size_t seen = 1;
            for (char *p = cand; *p; p++)
                if (*p == '.' && ++seen > parts) {
                    *p = '\0';
                    break;
                }
            size_t d = sgr_edit_distance(path, cand);
            if (d < best_d) {
                best_d = d;
                snprintf(buf, len, "%s", cand);
            }
        }
    }
    size_t limit = strlen(path) / 3;
    if (limit < 2)
        limit = 2;
    return best_d <= limit ? buf : NULL;
}

/* Whether `path` names a key of some other family (so the message can say so). */
static const char *other_family_of(const ctx *c, const char *path)
{
    for (size_t i = 0; c->families && c->families[i]; i++)
        if (c->families[i] != c->family && find_in(c->families[i]->keys, path))
            return c->families[i]->name;
    return NULL;
}

static json_t *tree_get(json_t *root, const char *path)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *node = root;
    for (char *save = NULL, *part = strtok_r(buf, ".", &save); part && node;
         part = strtok_r(NULL, ".", &save))
        node = json_is_object(node) ? json_object_get(node, part) : NULL;
    return node;
}

/* Set `path` to value (stolen), creating intermediate objects. */
static int tree_set(json_t *root, const char *path, json_t *value, sgr_err *err)
{
    char buf[256];
    snprintf(buf, sizeof buf, "%s", path);
    json_t *node = root;
    char *save = NULL, *part = strtok_r(buf, ".", &save);
    while (part) {
        char *next = strtok_r(NULL, ".", &save);
        if (!next) {
            /* Fails on a key that is not UTF-8 (and frees value). */
            if (json_object_set_new(node, part, value) < 0)
                return sgr_fail(err, "%s: cannot set \"%s\" (not UTF-8?)", path, part);
            return 0;
        }
        json_t *child = json_object_get(node, part);
        if (!child) {
            child = json_object();
            /* On failure set_new frees child: stop before writing into it. */
            if (json_object_set_new(node, part, child) < 0) {
                json_decref(value);
                return sgr_fail(err, "%s: cannot set \"%s\" (not UTF-8?)", path, part);
            }
        } else if (!json_is_object(child)) {
            json_decref(value);
            return sgr_fail(err, "%s: cannot set inside \"%s\", which is not an object", path,
                            part);
        }
        node = child;
        part = next;
    }
    json_decref(value);
    return sgr_fail(err, "empty key path");
}

static sgr_unit_kind unit_of(sgr_key_type t)
{
    switch (t) {
    case SGR_T_BW:
        return SGR_UNIT_BANDWIDTH;
    case SGR_T_TIME:
        return SGR_UNIT_TIME;
    case SGR_T_SPEED:
        return SGR_UNIT_SPEED;
    default:
        return SGR_UNIT_SIZE;
    }
}

static bool is_quantity(sgr_key_type t)
{
    return t == SGR_T_BW || t == SGR_T_TIME || t == SGR_T_SPEED || t == SGR_T_SIZE;
}

/* Numeric value of a number or quantity node; returns 0 or -1 with err. */
static int value_number(const sgr_key *k, json_t *v, double *out, sgr_err *err)
{
    if (is_quantity(k->type)) {
        if (json_is_number(v)) {
            *out = json_number_value(v);
            if (*out < 0)
                return sgr_fail(err, "expected a non-negative value");
            return 0;
        }
        if (json_is_string(v))
            return sgr_unit_parse(unit_of(k->type), json_string_value(v), out, err);
        return sgr_fail(err, "expected %s", sgr_unit_help(unit_of(k->type)));
    }
    *out = json_number_value(v);
    return 0;
}

static bool choice_ok(const char *choices, const char *s)
{
    size_t n = strlen(s);
    for (const char *p = choices; p && *p;) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, s, n) == 0)
            return true;
        p = bar ? bar + 1 : NULL;
    }
    return false;
}

/* Family names as "a|b|c" for algorithm.family. */
static void family_choices(const ctx *c, char *buf, size_t len)
{
    buf[0] = '\0';
    for (size_t i = 0; c->families && c->families[i]; i++) {
        if (i)
            strncat(buf, "|", len - strlen(buf) - 1);
        strncat(buf, c->families[i]->name, len - strlen(buf) - 1);
    }
}

static char *value_text(json_t *v)
{
    return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
}

static int fail_value(const ctx *c, const sgr_key *k, json_t *v, const char *expected)
{
    char *t = value_text(v);
    sgr_fail(c->err, "%s: %s: expected %s, got %s", c->file, k->path, expected, t ? t : "?");
    free(t);
    return -1;
}

static int check_value(const ctx *c, const sgr_key *k, json_t *v)
{
    char expected[512];
    switch (k->type) {
    case SGR_T_INT:
        if (!json_is_integer(v))
            return fail_value(c, k, v, "an integer");
        break;
    case SGR_T_NUM:
        if (!json_is_number(v))
            return fail_value(c, k, v, "a number");
        break;
    case SGR_T_BOOL:
        if (!json_is_boolean(v))
            return fail_value(c, k, v, "true or false");
        return 0;
    case SGR_T_STR:
    case SGR_T_PATH:
        if (!json_is_string(v) || json_string_length(v) == 0)
            return fail_value(c, k, v, "a non-empty string");
        return 0;
    case SGR_T_ENUM: {
        char fam[256];
        const char *choices = k->choices;
        if (!choices) {
            family_choices(c, fam, sizeof fam);
            choices = fam;
        }
        snprintf(expected, sizeof expected, "one of %s", choices);
        if (!json_is_string(v) || !choice_ok(choices, json_string_value(v)))
            return fail_value(c, k, v, expected);
        return 0;
    }
    default:
        break;
    }
    double x;
    sgr_err uerr;
    if (value_number(k, v, &x, &uerr) < 0)
        return sgr_fail(c->err, "%s: %s: %s", c->file, k->path, uerr.msg);
    if (x < k->min || x > k->max) {
        if (isinf(k->max))
            snprintf(expected, sizeof expected, "a value >= %g%s", k->min,
                     is_quantity(k->type) ? " (base unit)" : "");
        else
            snprintf(expected, sizeof expected, "a value in [%g, %g]%s", k->min, k->max,
                     is_quantity(k->type) ? " (base unit)" : "");
        return fail_value(c, k, v, expected);
    }
    return 0;
}

/* Whether the space-separated words of list include word. */
static bool has_word(const char *list, const char *word)
{
    size_t n = strlen(word);
    for (const char *s = list; s && *s;) {
        s += strspn(s, " ");
        size_t len = strcspn(s, " ");
        if (len == n && strncmp(s, word, n) == 0)
            return true;
        s += len;
    }
    return false;
}

/* Does the key's condition hold in the (default-filled) tree: "other.key=v1|v2", or "@SECTION"
 * (the chosen family uses that shared section, sgr_family_keys.uses)? */
static bool applies(const ctx *c, const sgr_key *k)
{
    if (!k->applies)
        return true;
    if (k->applies[0] == '@')
        return c->family && has_word(c->family->uses, k->applies + 1);
    char cond[256];
    snprintf(cond, sizeof cond, "%s", k->applies);
    char *eq = strchr(cond, '=');
    if (!eq)
        return true;
    *eq = '\0';
    json_t *v = tree_get(c->root, cond);
    const char *s = NULL;
    if (json_is_string(v))
        s = json_string_value(v);
    else if (!v) {
        const sgr_key *ck = ctx_find(c, cond);
        if (ck && ck->def) {
            json_t *d = json_loads(ck->def, JSON_DECODE_ANY, NULL);
            bool ok = json_is_string(d) && choice_ok(eq + 1, json_string_value(d));
            json_decref(d);
            return ok;
        }
    }
    return s && choice_ok(eq + 1, s);
}

static int walk(const ctx *c, json_t *obj, const char *prefix)
{
    const char *name;
    json_t *v;
    json_object_foreach(obj, name, v)
    {
        char path[256];
        if (prefix[0])
            snprintf(path, sizeof path, "%s.%s", prefix, name);
        else
            snprintf(path, sizeof path, "%s", name);
        /* "platform.type": ... at the top level would pass the checks, yet the getters look
         * in the nested sections and would never see it. */
        if (strchr(name, '.'))
            return sgr_fail(c->err,
                            "%s: key \"%s\": names cannot contain '.'; nest sections "
                            "instead ({\"platform\": {\"type\": ...}})",
                            c->file, path);
        const sgr_key *k = ctx_find(c, path);
        if (k) {
            if (check_value(c, k, v) < 0)
                return -1;
            if (!applies(c, k)) {
                char cond[256];
                snprintf(cond, sizeof cond, "%s", k->applies);
                char *eq = strchr(cond, '=');
                if (eq)
                    *eq = '\0';
                size_t used = strlen(c->warnings);
                snprintf(c->warnings + used, c->warnings_len - used,
                         "%s: %s is ignored: it only applies when %s is %s\n", c->file, path, cond,
                         eq ? eq + 1 : "set");
            }
            continue;
        }
        if (is_prefix_of_some_key(c, path)) {
            if (!json_is_object(v))
                return fail_value(c, &(sgr_key){.path = path}, v, "an object (a section)");
            if (walk(c, v, path) < 0)
                return -1;
            continue;
        }
        const char *other = other_family_of(c, path);
        if (other)
            return sgr_fail(c->err, "%s: %s belongs to family \"%s\", not \"%s\"", c->file, path,
                            other, c->family ? c->family->name : "?");
        char near[256];
        const char *s = suggest(c, path, near, sizeof near);
        if (s)
            return sgr_fail(c->err, "%s: unknown key %s (did you mean %s?)", c->file, path, s);
        return sgr_fail(c->err, "%s: unknown key %s (see docs/scenario.md or `simgrad keys`)",
                        c->file, path);
    }
    return 0;
}

static int fill_defaults(const ctx *c, const sgr_key *keys)
{
    for (const sgr_key *k = keys; k && k->path; k++) {
        if (!k->def || tree_get(c->root, k->path) || !applies(c, k))
            continue;
        json_t *d = json_loads(k->def, JSON_DECODE_ANY, NULL);
        if (!d || tree_set(c->root, k->path, d, c->err) < 0)
            return sgr_fail(c->err, "internal: bad default for %s", k->path);
    }
    return 0;
}

static int apply_set(const ctx *c, const char *set)
{
    const char *eq = strchr(set, '=');
    if (!eq || eq == set)
        return sgr_fail(c->err, "--set %s: expected key.path=value", set);
    char path[256];
    size_t n = (size_t)(eq - set);
    if (n >= sizeof path)
        return sgr_fail(c->err, "--set %s: key too long", set);
    memcpy(path, set, n);
    path[n] = '\0';
    const char *text = eq + 1;
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    if (!v)
        v = json_string(text);
    if (!v)
        return sgr_fail(c->err, "--set %s: the value is not valid UTF-8", set);
    /* A relative path typed on the command line means relative to the current directory.
     * Take the string's value, not the typed text: "\"x.xml\"" names x.xml too. */
    const sgr_key *k = sgr_schema_find(path, c->families);
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    if (k && k->type == SGR_T_PATH && s && s[0] != '/' && s[0] != '\0') {
        char cwd[PATH_MAX], *abs = NULL;
        if (getcwd(cwd, sizeof cwd) && asprintf(&abs, "%s/%s", cwd, s) >= 0) {
            json_decref(v);
            v = json_string(abs);
            free(abs);
            if (!v)
                return sgr_fail(c->err, "--set %s: out of memory", set);
        }
    }
    sgr_err e;
    if (tree_set(c->root, path, v, &e) < 0)
        return sgr_fail(c->err, "--set %s: %s", set, e.msg);
    return 0;
}

static const sgr_family_keys *find_family(const sgr_family_keys *const *families, const char *name)
{
    for (size_t i = 0; families && families[i]; i++)
        if (strcmp(families[i]->name, name) == 0)
            return families[i];
    return NULL;
}

int sgr_scenario_load(sgr_scenario *scn, const char *path, const char *const *sets, size_t nsets,
                      const sgr_family_keys *const *families, sgr_err *err)
{
    memset(scn, 0, sizeof *scn);
    json_error_t jerr;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!root) {
        if (jerr.line < 0)
            return sgr_fail(err, "%s: %s", path, jerr.text);
        return sgr_fail(err, "%s:%d:%d: invalid JSON: %s", path, jerr.line, jerr.column, jerr.text);
    }
    if (!json_is_object(root)) {
        json_decref(root);
        return sgr_fail(err, "%s: expected a JSON object at the top level", path);
    }
    ctx c = {.file = path,
             .warnings = scn->warnings,
             .warnings_len = sizeof scn->warnings,
             .families = families,
             .root = root,
             .err = err};
    for (size_t i = 0; i < nsets; i++)
        if (apply_set(&c, sets[i]) < 0)
            goto fail;

    json_t *fam = tree_get(root, "algorithm.family");
    /* the first registered family is the default */
    const char *fname = json_is_string(fam) ? json_string_value(fam) : families[0]->name;
    c.family = find_family(families, fname);
    if (!c.family && fam) {
        char choices[256];
        family_choices(&c, choices, sizeof choices);
        sgr_fail(err, "%s: algorithm.family: expected one of %s, got %s", path, choices,
                 json_is_string(fam) ? fname : "a non-string");
        goto fail;
    }
    if (walk(&c, root, "") < 0)
        goto fail;
    if (!fam && c.family &&
        tree_set(root, "algorithm.family", json_string(c.family->name), err) < 0)
        goto fail;
    if (fill_defaults(&c, sgr_core_keys) < 0 ||
        fill_defaults(&c, c.family ? c.family->keys : NULL) < 0)
        goto fail;

    scn->root = root;
    scn->family = c.family;
    scn->path = strdup(path);
    char *tmp = strdup(path);
    scn->dir = strdup(dirname(tmp));
    free(tmp);
    tmp = strdup(path);
    char *base = basename(tmp);
    char *dot = strrchr(base, '.');
    if (dot && strcmp(dot, ".json") == 0)
        *dot = '\0';
    scn->name = strdup(base);
    free(tmp);
    if (!scn->path || !scn->dir || !scn->name) {
        sgr_scenario_free(scn);
        return sgr_fail(err, "out of memory");
    }
    return 0;
fail:
    json_decref(root);
    return -1;
}

void sgr_scenario_free(sgr_scenario *scn)
{
    json_decref(scn->root);
    free(scn->path);
    free(scn->dir);
    free(scn->name);
    memset(scn, 0, sizeof *scn);
}

/* The key's node in the validated tree (NULL: absent). A key that is not in the schema is a
 * programming error (a misspelt key in a parse hook), not the user's: it aborts at once, so
 * that the first validation of any scenario finds it. */
static json_t *schema_get(const sgr_scenario *scn, const char *path)
{
    if (!find_in(sgr_core_keys, path) && !(scn->family && find_in(scn->family->keys, path))) {
        fprintf(stderr, "simgrad: internal error: scenario key %s is not in the schema\n", path);
        abort();
    }
    return tree_get(scn->root, path);
}

bool sgr_scn_has(const sgr_scenario *scn, const char *path)
{
    return schema_get(scn, path) != NULL;
}

long sgr_scn_int(const sgr_scenario *scn, const char *path)
{
    return (long)json_integer_value(schema_get(scn, path));
}

double sgr_scn_num(const sgr_scenario *scn, const char *path)
{
    json_t *v = schema_get(scn, path);
    if (json_is_number(v))
        return json_number_value(v);
    if (json_is_string(v)) {
        const sgr_key *k = find_in(sgr_core_keys, path);
        if (!k && scn->family)
            k = find_in(scn->family->keys, path);
        double x = 0;
        if (k && sgr_unit_parse(unit_of(k->type), json_string_value(v), &x, NULL) == 0)
            return x;
    }
    return 0;
}

bool sgr_scn_bool(const sgr_scenario *scn, const char *path)
{
    return json_is_true(schema_get(scn, path));
}

const char *sgr_scn_str(const sgr_scenario *scn, const char *path)
{
    json_t *v = schema_get(scn, path);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

char *sgr_scn_path(const sgr_scenario *scn, const char *path)
{
    const char *s = sgr_scn_str(scn, path);
    if (!s)
        return NULL;
    if (s[0] == '/' || !scn->dir)
        return strdup(s);
    size_t len = strlen(scn->dir) + strlen(s) + 2;
    char *out = malloc(len);
    if (out)
        snprintf(out, len, "%s/%s", scn->dir, s);
    return out;
}

static const char *type_doc(const sgr_key *k)
{
    switch (k->type) {
    case SGR_T_INT:
        return "integer";
    case SGR_T_NUM:
        return "number";
    case SGR_T_BOOL:
        return "bool";
    case SGR_T_STR:
        return "string";
    case SGR_T_PATH:
        return "path";
    case SGR_T_ENUM:
        return "choice";
    case SGR_T_BW:
        return "bandwidth (B/s; \"10Gbps\")";
    case SGR_T_TIME:
        return "time (s; \"50us\")";
    case SGR_T_SPEED:
        return "speed (flop/s; \"1Gf\")";
    case SGR_T_SIZE:
        return "size (bytes; \"64KiB\")";
    }
    return "";
}

/* Print s with '|' escaped, as GitHub tables require even inside code spans. */
static void put_cell(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|')
            fputc('\\', f);
        fputc(*s, f);
    }
}

/* The families whose `uses` names section, as "a, b". */
static void write_users(FILE *f, const sgr_family_keys *const *families, const char *section)
{
    int n = 0;
    for (size_t i = 0; families && families[i]; i++)
        if (has_word(families[i]->uses, section))
            fprintf(f, "%s%s", n++ ? ", " : "", families[i]->name);
}

static void write_rows(FILE *f, const sgr_key *keys, const char *section,
                       const sgr_family_keys *const *families)
{
    size_t n = strlen(section);
    for (const sgr_key *k = keys; k && k->path; k++) {
        if (section[0] ? strncmp(k->path, section, n) != 0 || k->path[n] != '.'
                       : strchr(k->path, '.') != NULL)
            continue;
        /* a choice with no choices of its own is algorithm.family: the registered families,
         * the first being the default */
        if (k->type == SGR_T_ENUM && !k->choices && families && families[0])
            fprintf(f, "| `%s` | %s | \"%s\" | ", k->path, type_doc(k), families[0]->name);
        else
            fprintf(f, "| `%s` | %s | %s | ", k->path, type_doc(k), k->def ? k->def : "—");
        if (k->choices) {
            fputc('`', f);
            put_cell(f, k->choices);
            fputs("`. ", f);
        }
        if (!isinf(k->min) && k->type != SGR_T_BOOL && k->type != SGR_T_ENUM &&
            k->type != SGR_T_STR && k->type != SGR_T_PATH) {
            if (isinf(k->max))
                fprintf(f, "≥ %g. ", k->min);
            else
                fprintf(f, "[%g, %g]. ", k->min, k->max);
        }
        if (k->applies && k->applies[0] == '@') {
            fputs("Only for the families that use it (", f);
            write_users(f, families, k->applies + 1);
            fputs("). ", f);
        } else if (k->applies) {
            fputs("Only when `", f);
            put_cell(f, k->applies);
            fputs("`. ", f);
        }
        fprintf(f, "%s |\n", k->doc);
    }
}

int sgr_schema_write_markdown(FILE *f, const sgr_family_keys *const *families)
{
    static const char *sections[] = {"",      "platform",  "stragglers", "workload", "problem",
                                     "graph", "algorithm", "output",     "network",  "simulation"};
    fprintf(f, "# Scenario keys\n\n"
               "Generated by `simgrad keys --markdown` from the schema tables in the source; "
               "do not edit by hand.\n\n"
               "Quantities take SimGrid's units: a bare number is in the base unit (bytes/s, "
               "seconds, flop/s, bytes), a string carries its unit (\"10Gbps\", \"125MBps\", "
               "\"50us\", \"2Gf\", \"64KiB\"). Defaults are JSON. Any key can be overridden on "
               "the command line with `--set key.path=value`.\n");
    for (size_t s = 0; s < sizeof sections / sizeof *sections; s++) {
        fprintf(f, "\n## %s\n\n| key | type | default | meaning |\n|---|---|---|---|\n",
                sections[s][0] ? sections[s] : "top level");
        write_rows(f, sgr_core_keys, sections[s], families);
    }
    for (size_t i = 0; families && families[i]; i++) {
        fprintf(f,
                "\n## algorithm keys of family `%s`\n\n%s\n\n"
                "| key | type | default | meaning |\n|---|---|---|---|\n",
                families[i]->name, families[i]->summary);
        write_rows(f, families[i]->keys, "algorithm", families);
    }
    return ferror(f) ? -1 : 0;
}
