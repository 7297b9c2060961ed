#pragma once
// Why a scenario has no feasible plan: for each user, the fastest it could possibly finish
// (computing everything on the phone, or offloading at its best partition with the GPU serving
// it alone) against its deadline. A user whose fastest time misses its deadline misses it under
// every plan, so no planner can succeed; naming those users is the explanation.

#include "core/model/scenario.h"

#include <string>
#include <vector>

namespace coinfer {

/// One user's best possible times.
struct UserFeasibility {
    int user = 0;           ///< row in Scenario::users
    double localOnlyMs = 0; ///< every sub-task on the phone: L_m(N)
    /// The fastest offloading finish over partitions p < N: L_m(p) + upload of d_p, then the
    /// remaining sub-tasks on a GPU that serves this user alone, each at its fastest batch size
    /// (min over b of tau_n(b); at batch 1 for the usual curves that grow with b). +inf when the
    /// DNN has no sub-task to offload.
    double fastestOffloadMs = 0;
    int fastestOffloadPartition = 0; ///< the partition p that gives fastestOffloadMs
    double deadlineMs = 0;
    /// min(localOnlyMs, fastestOffloadMs): no plan finishes this user earlier.
    double fastestMs() const { return localOnlyMs < fastestOffloadMs ? localOnlyMs : fastestOffloadMs; }
    /// Whether fastestMs() meets the deadline (within the planners' tolerance).
    bool canMeetDeadline = true;
};

/// Each user's fastest times and whether it can meet its deadline at all. O(M*N).
std::vector<UserFeasibility> userFeasibility(const Scenario& scenario);

/// The users that cannot meet their deadline under any plan, in scenario order. O(M*N).
std::vector<UserFeasibility> infeasibleUsers(const Scenario& scenario);

/// One sentence naming the infeasible users, at most @p named of them in full:
/// "3 users cannot meet their deadline: phone-7 needs at least 212 ms, deadline 150 ms; ...".
/// Empty when @p infeasible is empty. O(named).
std::string describeInfeasibleUsers(const Scenario& scenario, const std::vector<UserFeasibility>& infeasible, int named = 3);

} // namespace coinfer
