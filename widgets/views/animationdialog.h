#pragma once
// One dialog for everything an animation export needs: format, frame rate, length, size, which
// lanes and the target, instead of a row of one-field dialogs.

#include "widgets/views/timelineview.h"

#include <QDialog>
#include <QObject>
#include <QString>
#include <QWidget>

#include <functional>
#include <vector>
#include <QSize>

class QComboBox;
class QDialogButtonBox;
class QLineEdit;
class QSpinBox;

namespace coinfer {

/// What the user chose in AnimationDialog.
struct AnimationSettings {
    bool gif = true; ///< an animated GIF, else numbered PNG frames in a folder
    int framesPerSecond = 20;
    int seconds = 10;
    QSize size{1280, 720};
    AnimationLanes lanes = AnimationLanes::AllScaled;
    QString target; ///< the .gif file, or the folder for the frames
    int frameCount() const { return framesPerSecond * seconds; }
};

class AnimationDialog : public QDialog {
    Q_OBJECT

public:
    explicit AnimationDialog(QWidget* parent = nullptr);
    /// The choices as they stand; a GIF target always ends in .gif.
    AnimationSettings settings() const;
    /// Sets every field (tests and the last export's choices).
    void setSettings(const AnimationSettings& settings);

private:
    void browse();
    void updateOk();
    QComboBox* m_format;
    QSpinBox* m_fps;
    QSpinBox* m_seconds;
    QComboBox* m_size;
    QComboBox* m_lanes;
    QLineEdit* m_target;
    QDialogButtonBox* m_buttons;
};

/// Renders @p timeline's animation to @p settings' target a frame at a time while the GUI stays
/// live, with a progress dialog on @p parent whose Cancel stops between frames; @p report gets
/// the sentence saying how many frames were written. O(frames x visible lanes).
void exportTimelineAnimation(const TimelineView& timeline, const AnimationSettings& settings, QWidget* parent,
                             std::function<void(const QString&)> report);
/// The same for what the plan page shows when it compares two plans: @p timelines one above the
/// other in each frame, each with its title, their cursors together.
void exportTimelineAnimation(const std::vector<const TimelineView*>& timelines, const AnimationSettings& settings,
                             QWidget* parent, std::function<void(const QString&)> report);

} // namespace coinfer
