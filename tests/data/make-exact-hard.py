# Writes tests/data/good/exact-hard.json (run: python3 tests/data/make-exact-hard.py > tests/data/good/exact-hard.json):
# 30 users, 6 sub-tasks, a GPU that batches at most 4 copies, three deadline classes. The exact
# search cannot finish it in hours; tests/app/test_cli.cpp checks that `plan --algorithm exact
# --time-limit-ms` stops on time and still returns a feasible plan with a proven bound.
import json, random
rng = random.Random(10)
subtasks = []
out_bytes = [200000, 100000, 50000, 25000, 10000, 1000]
flops = [3e7, 6e7, 6e7, 4e7, 2e7, 5e6]
for n in range(6):
    subtasks.append({"name": f"block{n+1}", "output_bytes": out_bytes[n], "flops": flops[n],
                     "edge_affine_ms": {"alpha": [2.0, 3.0, 3.0, 2.5, 1.5, 0.5][n], "beta": [0.4, 0.6, 0.6, 0.5, 0.3, 0.1][n]}})
base_ms = [6, 12, 12, 8, 4, 1]
base_mj = [4, 9, 9, 6, 3, 0.8]
users = []
deadlines = [60, 120, 250]
for m in range(30):
    speed = rng.uniform(0.7, 1.3)
    users.append({"id": f"u{m+1:02d}", "deadline_ms": deadlines[m % 3],
                  "local_latency_ms": [round(b * speed, 3) for b in base_ms],
                  "local_energy_mj": [round(b * rng.uniform(0.8, 1.3), 3) for b in base_mj],
                  "uplink_rate_mbps": round(rng.uniform(20, 80), 2), "tx_power_w": round(rng.uniform(0.2, 0.4), 3)})
doc = {"format": "coinfer-scenario", "version": 1, "name": "exact-hard",
       "description": "30 users, 6 sub-tasks, batches of at most 4, deadlines 60/120/250 ms: an instance the exact search cannot finish in hours (tests/app/test_cli.cpp, exactStopsAtItsTimeLimit). Written by tests/data/make-exact-hard.py; illustrative numbers, not measurements.",
       "dnn": {"name": "hard-cnn", "input_bytes": 150528, "max_batch": 4, "subtasks": subtasks}, "users": users}
print(json.dumps(doc, indent=1))
