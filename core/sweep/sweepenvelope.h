#pragma once
// Best's line over a relaxation that changes what a plan costs (a faster uplink or a wider
// channel): the sweep's own module only (runSweep), since it needs the plans behind the rows.

#include "core/model/plan.h"
#include "core/sweep/sweep.h"

#include <vector>

namespace coinfer {

/// Best's plan at one point of a run, kept for applyRecostedEnvelope.
struct PointSchedule {
    SweepPoint point;
    Schedule schedule; ///< best's schedule at the point (its partitions, groups and batch order)
};

/// Whether a larger value of @p parameter relaxes the problem but changes a plan's energy:
/// uplink_scale and bandwidth_mhz make every uplink at least as fast, so a plan for a value meets
/// every deadline at a larger one (the simulator starts each batch as soon as the GPU and its
/// members are ready, and every upload ends no later) and its upload energy P_m * d / r_m falls.
/// O(1).
bool isRecostedRelaxation(SweepParameter parameter);

/// Makes best's rows monotone over a recosted relaxation (isRecostedRelaxation), per repeat:
/// from the smallest value on, best's plan of a smaller value is timed again on each larger
/// value's scenario (sweepVariant) by the simulator, and where it meets every deadline there and
/// costs less than the row's own plan, or the row's plan misses a deadline, the row shows it:
/// its energy, feasibility, batches and saving; its own bound stays and its gap is recomputed.
/// The plan carried on is the cheaper of the two at each value. Only the points of this run
/// are seen: a sharded sweep is monotone within each shard. Rows of other planners are left as
/// they are. O(V * (M*N + S)) per repeat for V values, M users, N sub-tasks and S batch members.
void applyRecostedEnvelope(const SweepBase& base, const SweepRequest& request, const std::vector<PointSchedule>& schedules,
                           std::vector<SweepRow>& rows);

/// The schedule behind a timed plan: its partitions, groups and batch order. O(M + S).
Schedule scheduleOfPlan(const Plan& plan);

} // namespace coinfer
