#pragma once
// An animation written frame by frame: numbered PNG files in a folder, or one animated GIF. What
// a frame shows comes from a FrameRenderer (the timeline's is timelineAnimation()), so the
// writing knows nothing of the view it records.

#include <QImage>
#include <QObject>
#include <QSize>
#include <QString>

#include <functional>
#include <vector>

namespace coinfer {

class GifWriter;

/// Draws frame @p index of @p count into @p image (already sized and filled white).
using FrameRenderer = std::function<void(QImage& image, int index, int count)>;

/// One frame made of @p parts drawn one above the other, each in an equal share of the height
/// (two plans compared, as the plan page shows them). O(the parts' costs).
FrameRenderer stackedFrames(std::vector<FrameRenderer> parts);

/// Writes @p frames images drawn by @p render at @p size into @p folder as frame-0001.png, ...;
/// @p progress(done, total) returns false to cancel. Returns the number of frames written.
/// O(frames x the cost of one render).
int exportFrames(const FrameRenderer& render, const QString& folder, int frames, const QSize& size,
                 const std::function<bool(int, int)>& progress = {});

/// Renders an animation's frames one per turn of the event loop, so the GUI stays responsive
/// and the export can be cancelled between frames.
class FrameExporter : public QObject {
    Q_OBJECT

public:
    /// Numbered PNGs into the folder @p target, or, when @p target ends in .gif, one animated
    /// GIF at @p framesPerSecond.
    FrameExporter(FrameRenderer render, QString target, int frames, QSize size, QObject* parent = nullptr,
                  int framesPerSecond = 30);
    ~FrameExporter() override;
    void start();
    void cancel();

signals:
    void progress(int done, int total);
    void finished(int written);

private:
    void renderNext();
    FrameRenderer m_render;
    QString m_folder;
    int m_frames, m_done = 0;
    QSize m_size;
    bool m_cancelled = false;
    int m_framesPerSecond;
    GifWriter* m_gif = nullptr;
};

} // namespace coinfer
