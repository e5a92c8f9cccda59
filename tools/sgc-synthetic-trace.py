#!/usr/bin/env python3
"""Write the synthetic delay traces of scenarios/sgc-trace-study.json (Python 3 stdlib only).

They stand in for the measured AWS Lambda profiles of the SGC paper's trace study (256 workers,
one file per normalized load, rows = rounds, columns = workers, seconds), with the features the
study depends on, set to match the authors' measured Canada profile at load 0
(delay_profiles/sam-gc-cnn_profile_est_desktop_long, 30 rounds: mean task 0.70 s, fastest of a
round 0.56 s, slowest 1.6 s, 5% of the tasks later than twice the round's fastest, a late
worker late again in the next round one time in ten): a per-worker speed, a heavy-tailed spread
per task, stragglers that lose a second or two (so they stand out less at higher loads, as in
the measured profiles), and task times that grow linearly with the load (COMP s per unit of
normalized load, with noise), so that algorithm.trace_fit recovers a base_comp near COMP. The
same seed gives the same files.

usage: tools/sgc-synthetic-trace.py [OUT_DIR]   (default: scenarios/traces)
"""
import os
import random
import sys

WORKERS = 256
BASE_ROUNDS = 100      # the base profile (load 0): J = 80 jobs + max_delay 20, as published
PROFILE_ROUNDS = 10    # the other profiles only feed the base_comp fit
LOADS = [0.0, 0.25, 0.5, 0.75, 1.0]
COMP = 2.2             # s per unit of normalized load (the authors fitted 2.201 on theirs)
P_START, P_GO_ON = 0.035, 0.12  # a worker starts straggling / goes on straggling next round
SEED = 20230501


def profile(rng, speed, load, rounds):
    late = [False] * WORKERS
    rows = []
    for _ in range(rounds):
        row = []
        for w in range(WORKERS):
            late[w] = rng.random() < (P_GO_ON if late[w] else P_START)
            task = speed[w] * (0.56 + rng.expovariate(1 / 0.1))
            task += load * COMP * speed[w] * rng.uniform(0.9, 1.1)
            if late[w]:
                task += rng.uniform(0.5, 1.2)
            row.append(task)
        rows.append(row)
    return rows


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join("scenarios", "traces")
    os.makedirs(out, exist_ok=True)
    rng = random.Random(SEED)
    speed = [rng.uniform(0.95, 1.05) for _ in range(WORKERS)]
    for load in LOADS:
        rounds = BASE_ROUNDS if load == 0.0 else PROFILE_ROUNDS
        name = os.path.join(out, "sgc-study-l%.2f.csv" % load)
        with open(name, "w") as f:
            for row in profile(rng, speed, load, rounds):
                f.write(",".join("%.3f" % t for t in row) + "\n")
        print(name)


if __name__ == "__main__":
    main()
