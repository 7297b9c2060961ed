#pragma once
// One colour meaning everywhere: the timeline, the charts, the legends, the exports and the
// presentation draw what a user's time and energy go to in these colours, so a colour read in
// one view means the same in every other. Header-only; widgets/charts is the layer
// every view and export links.

#include <QColor>
#include <QLatin1String>
#include <QString>

namespace coinfer::palette {

inline QColor localComputing()
{
    return {120, 170, 90};
} ///< a phone computing sub-tasks
inline QColor uploading()
{
    return {230, 160, 60};
} ///< a phone sending its intermediate data
inline QColor waiting()
{
    return {236, 226, 250};
} ///< uploaded, queued for the GPU (pale violet)
inline QColor pending()
{
    return {245, 214, 120};
} ///< an online task in the pool, not dispatched yet (sand)
inline QColor edgeComputing()
{
    return {70, 130, 180};
} ///< a user's sub-task inside a GPU batch
inline QColor gpuBatch()
{
    return {40, 80, 140};
} ///< the GPU running one batch
inline QColor localOnly()
{
    return {190, 190, 190};
} ///< the baseline: everything on the phone
inline QColor deadline()
{
    return {200, 40, 40};
} ///< a deadline mark
inline QColor late()
{
    return {220, 30, 30};
} ///< a user that misses its deadline
inline QColor selection()
{
    return {20, 20, 20};
} ///< outline of the selected user: never a fill
inline QColor linked()
{
    return {255, 200, 0};
} ///< members of the batch under the mouse

/// The colour of a planner's series in charts that compare planners (by command-line name):
/// local is the baseline grey, best the recommended green.
inline QColor planner(const QString& name)
{
    if (name == QLatin1String("local"))
        return {150, 150, 150};
    if (name == QLatin1String("full-offload"))
        return {230, 160, 60};
    if (name == QLatin1String("no-batching"))
        return {200, 90, 160};
    if (name == QLatin1String("ip-ssa"))
        return {70, 130, 180};
    if (name == QLatin1String("og"))
        return {120, 90, 190};
    if (name == QLatin1String("best"))
        return {46, 139, 87};
    if (name == QLatin1String("exact"))
        return {20, 20, 20};
    return {100, 100, 100};
}

} // namespace coinfer::palette
