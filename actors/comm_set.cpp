/* See actors/comm_set.h. */
#include "actors/comm_set.h"

#include <new>
#include <vector>

#include <simgrid/s4u/Activity.hpp>
#include <simgrid/s4u/Comm.hpp>

struct sgr_comm_set {
    std::vector<simgrid::s4u::ActivityPtr> acts;
};

sgr_comm_set *sgr_comm_set_new(size_t n)
{
    auto *s = new (std::nothrow) sgr_comm_set;
    if (!s)
        return nullptr;
    try {
        s->acts.resize(n);
    } catch (const std::bad_alloc &) {
        delete s;
        return nullptr;
    }
    return s;
}

void sgr_comm_set_put(sgr_comm_set *s, size_t i, sg_comm_t c)
{
    s->acts[i] = simgrid::s4u::ActivityPtr(c, false);
}

ssize_t sgr_comm_set_wait_any(sgr_comm_set *s)
{
    ssize_t i = simgrid::s4u::Activity::wait_any(s->acts);
    s->acts[(size_t)i] = nullptr;
    return i;
}

void sgr_comm_set_free(sgr_comm_set *s, bool release)
{
    if (!s)
        return;
    if (!release)
        for (auto &a : s->acts)
            a.detach();
    delete s;
}
