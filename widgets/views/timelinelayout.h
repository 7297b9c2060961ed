#pragma once
// The timeline's fixed sizes and segment colours, shared by the files that make up TimelineView
// (timelineview.cpp, timelinepaint.cpp). Private to widgets/views.

#include "widgets/charts/palette.h"
#include "widgets/views/timelineview.h"

#include <QColor>
#include <Qt>

namespace coinfer::timelinelayout {

inline constexpr double kLabelWidth = 90;
inline constexpr double kEpisodeLabelWidth = 130; // "hana #1234 (late)": an episode names tasks, not users
inline constexpr double kMeterWidth = 120;        // energy meters at the right, shown with the cursor
inline constexpr double kLaneHeight = 22;         // a scrolling lane; fit-to-height lanes shrink from it
inline constexpr double kLaneGap = 4;
inline constexpr double kMinCompactPitch = 17; // lanes of a short list shrink to this pitch before any is hidden
inline constexpr int kMaxCompactRows = 12;
inline constexpr double kGpuSeparator = 6;  // between the pinned GPU lane and the scrolling lanes
inline constexpr double kStripWidth = 18;   // the overview strip
inline constexpr double kEndPadding = 6;    // the axis ends this far inside the plot, so deadline marks at the end show
inline constexpr double kMaxFitPitch = 120; // presentation lanes grow up to this: they fill a full screen

inline QColor colourOf(SegmentKind kind)
{
    switch (kind) {
    case SegmentKind::Local:
        return palette::localComputing();
    case SegmentKind::Upload:
        return palette::uploading();
    case SegmentKind::Waiting:
        return palette::waiting();
    case SegmentKind::Edge:
        return palette::edgeComputing();
    case SegmentKind::GpuBatch:
        return palette::gpuBatch();
    case SegmentKind::Pending:
        return palette::pending();
    }
    return Qt::gray;
}

} // namespace coinfer::timelinelayout
