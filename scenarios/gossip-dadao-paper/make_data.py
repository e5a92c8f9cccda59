#!/usr/bin/env python3
"""Writes the files of scenarios/gossip-dadao-paper.json: the setting of the DADAO authors'
published example run (AdelNabli/DADAO README: `python main.py --optimizer_name "DADAO"
--n_workers 10 --classification True --graph_type "random_geom" --t_max 200`, with main.py's
defaults n_samples 1000, dim 2, radius 0.4, and data.py's K = 50 graphs), drawn anew with a
fixed seed since the authors' draws are not seeded:

  data.csv    node,label,a1,a2: each of the 10 nodes its own 100 points in dimension 2 from
              scikit-learn's make_classification algorithm (2 classes, 2 informative features,
              2 clusters per class at the vertices of [-1, 1]^2, each a standard normal times a
              random matrix in [-1, 1]^{2x2}, 1% of labels redrawn; data.py:create_data), labels
              in {-1, +1} (data.py:45)
  x0.csv      one row per node, standard normal (the authors' torch.randn initialisation,
              cvx_functions.py:52)
  graphs.csv  graph,u,v: 50 random geometric graphs on 10 nodes, radius 0.4 in the unit square,
              disconnected ones made connected by an edge between random nodes of consecutive
              components (data.py:create_random_connected_geometric_graph)

and prints L = max(max_i mean_j |a_ij|^2 / 4, mu) with mu = 1 (utils.py:compute_regularity_
constants), which the scenario states as problem.L. Plain Python, no packages.
Run: python3 make_data.py [SEED]  (in this directory)."""
import math
import random
import sys

N_WORKERS, PER_NODE, DIM, RADIUS, K, MU = 10, 100, 2, 0.4, 50, 1.0


def make_classification(rng, n):
    """sklearn.datasets.make_classification(n, 2, n_classes=2, n_redundant=0), re-implemented."""
    vertices = [(-1.0, -1.0), (-1.0, 1.0), (1.0, -1.0), (1.0, 1.0)]
    rng.shuffle(vertices)  # _generate_hypercube draws the 4 vertices in random order
    sizes = [n // 4 + (1 if k < n % 4 else 0) for k in range(4)]
    rows = []
    for k, (cx, cy) in enumerate(vertices):
        a = [[2 * rng.random() - 1 for _ in range(2)] for _ in range(2)]
        for _ in range(sizes[k]):
            g = (rng.gauss(0, 1), rng.gauss(0, 1))
            x = (g[0] * a[0][0] + g[1] * a[1][0] + cx, g[0] * a[0][1] + g[1] * a[1][1] + cy)
            rows.append([x[0], x[1], k % 2])
    for r in rows:  # flip_y = 0.01: the label redrawn at random
        if rng.random() < 0.01:
            r[2] = rng.randrange(2)
    rng.shuffle(rows)
    return [(r[0], r[1], 2 * r[2] - 1) for r in rows]


def connected_geometric_graph(rng, n, radius):
    pos = [(rng.random(), rng.random()) for _ in range(n)]
    edges = {(i, j) for i in range(n) for j in range(i + 1, n)
             if math.dist(pos[i], pos[j]) <= radius}
    adj = {i: set() for i in range(n)}
    for i, j in edges:
        adj[i].add(j)
        adj[j].add(i)
    comps, seen = [], set()
    for s in range(n):  # components in order of their lowest node, as networkx lists them
        if s in seen:
            continue
        comp, stack = [], [s]
        seen.add(s)
        while stack:
            v = stack.pop()
            comp.append(v)
            for w in adj[v] - seen:
                seen.add(w)
                stack.append(w)
        comps.append(sorted(comp))
    for a, b in zip(comps, comps[1:]):
        i, j = rng.choice(a), rng.choice(b)
        edges.add((min(i, j), max(i, j)))
    return sorted(edges)


def main():
    rng = random.Random(int(sys.argv[1]) if len(sys.argv) > 1 else 2023)
    norms = []
    with open("data.csv", "w") as f:
        f.write("node,label,a1,a2\n")
        for i in range(N_WORKERS):
            rows = make_classification(rng, PER_NODE)
            norms.append(sum(x * x + y * y for x, y, _ in rows) / len(rows) / 4)
            for x, y, lab in rows:
                f.write(f"{i},{lab},{x!r},{y!r}\n")
    with open("x0.csv", "w") as f:
        for i in range(N_WORKERS):
            f.write(",".join(repr(rng.gauss(0, 1)) for _ in range(DIM)) + "\n")
    with open("graphs.csv", "w") as f:
        f.write("graph,u,v\n")
        for k in range(K):
            for u, v in connected_geometric_graph(rng, N_WORKERS, RADIUS):
                f.write(f"{k},{u},{v}\n")
    print(f"problem.L = {max(max(norms), MU)!r}")


if __name__ == "__main__":
    main()
