#pragma once
// The one schedule simulator: every plan is timed and checked here and nowhere else.

#include "core/model/costmodel.h"
#include "core/model/plan.h"
#include "core/model/scenario.h"

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace coinfer {

/// One broken constraint, with a message that names the user, batch and times involved.
struct Violation {
    enum class Kind {
        BadPartition,   ///< p outside 0..N
        BatchTooLarge,  ///< more than B_max members
        BadMember,      ///< a member that does not need this sub-task, or is listed twice
        MissingSubtask, ///< an offloading user's sub-task never runs, or runs twice
        NotReady,       ///< a batch starts before a member's input is there
        GpuOverlap,     ///< two batches overlap on the one GPU
        TooShort,       ///< a batch shorter than tau_n(b)
        DeadlineMissed, ///< a user finishes after its deadline
        WrongFigure,    ///< a stated energy or time disagrees with the model
    };
    Kind kind;
    std::string message;
};

/// Times a schedule: each user computes sub-tasks 1..p, uploads at once, and each batch starts as
/// soon as the GPU is free and every member's input is ready, in the given order.
/// Fills Plan::feasible from the checks; the violations are appended to @p violations if given
/// (without it, the messages of late users are not even written, which keeps re-timing cheap).
/// O(M*N + S) time for S = the sum of the batch sizes, and O(M + the largest batch) memory beyond
/// the plan: each member is checked in O(1) (a user listed twice in a batch is found by a per-user
/// stamp, not by searching the batch), so a batch of 65,536 members costs 65,536 steps.
Plan simulate(const Scenario& scenario, const CostModel& model, const Schedule& schedule, const std::string& algorithm,
              std::vector<Violation>* violations = nullptr);

/// simulate() for a search that must stop within milliseconds of being asked: asks @p stopped
/// every 4,096 users or batch members (a schedule of 10^6 users takes 0.1 to 0.7 s to time) and
/// returns nullopt as soon as it says stop, since a plan timed half-way is no plan. Otherwise
/// returns what simulate() returns, without violation messages. Same cost as simulate().
std::optional<Plan> simulateUnlessStopped(const Scenario& scenario, const CostModel& model, const Schedule& schedule,
                                          const std::string& algorithm, const std::function<bool()>& stopped);

/// Checks a timed plan as stated (from a file, ours or anyone's): partitions, batch sizes and
/// members, readiness, GPU exclusivity, batch durations, deadlines and stated energies.
/// Batches are taken in order of start time. Returns every violation; empty means feasible.
/// O(M*N + S + B log B) for B batches holding S members in all; like simulate(), linear in the
/// members of each batch.
std::vector<Violation> verifyPlan(const Scenario& scenario, const CostModel& model, const Plan& plan);

/// Names every user that misses its deadline in @p plan (ids, comma separated).
std::string lateUsers(const Scenario& scenario, const Plan& plan);

} // namespace coinfer
