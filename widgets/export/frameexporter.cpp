#include "widgets/export/frameexporter.h"

#include "widgets/export/gifwriter.h"

#include <QImage>
#include <QLatin1Char>
#include <QPainter>
#include <QTimer>
#include <Qt>

#include <algorithm>
#include <cstddef>
#include <utility>

namespace coinfer {
namespace {

QString framePath(const QString& folder, int index)
{
    return QString("%1/frame-%2.png").arg(folder).arg(index + 1, 4, 10, QLatin1Char('0'));
}

} // namespace

FrameRenderer stackedFrames(std::vector<FrameRenderer> parts)
{
    return [parts = std::move(parts)](QImage& image, int index, int count) {
        if (parts.empty())
            return;
        const int share = image.height() / static_cast<int>(parts.size());
        QImage part(image.width(), share, image.format());
        QPainter painter(&image);
        for (size_t k = 0; k < parts.size(); ++k) {
            part.fill(Qt::white);
            parts[k](part, index, count);
            painter.drawImage(0, static_cast<int>(k) * share, part);
        }
    };
}

int exportFrames(const FrameRenderer& render, const QString& folder, int frames, const QSize& size,
                 const std::function<bool(int, int)>& progress)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    for (int k = 0; k < frames; ++k) {
        if (progress && !progress(k, frames))
            return k;
        image.fill(Qt::white);
        render(image, k, frames);
        if (!image.save(framePath(folder, k)))
            return k;
    }
    return frames;
}

FrameExporter::FrameExporter(FrameRenderer render, QString target, int frames, QSize size, QObject* parent, int framesPerSecond)
    : QObject(parent)
    , m_render(std::move(render))
    , m_folder(std::move(target))
    , m_frames(frames)
    , m_size(size)
    , m_framesPerSecond(std::max(1, framesPerSecond))
{
}

FrameExporter::~FrameExporter()
{
    delete m_gif;
}

void FrameExporter::start()
{
    QTimer::singleShot(0, this, &FrameExporter::renderNext);
}

void FrameExporter::cancel()
{
    m_cancelled = true;
}

void FrameExporter::renderNext()
{
    const bool toGif = m_folder.endsWith(".gif", Qt::CaseInsensitive);
    if (toGif && !m_gif) {
        m_gif = new GifWriter;
        if (!m_gif->open(m_folder, m_size)) {
            emit finished(0);
            return;
        }
    }
    if (m_cancelled || m_done >= m_frames) {
        if (m_gif && !m_gif->close())
            m_done = 0;
        emit finished(m_done);
        return;
    }
    // One frame per call, drawn by the same renderer as the synchronous export.
    QImage image(m_size, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    m_render(image, m_done, m_frames);
    const bool saved = toGif ? m_gif->addFrame(image, 100 / m_framesPerSecond) : image.save(framePath(m_folder, m_done));
    if (!saved) {
        emit finished(m_done);
        return;
    }
    ++m_done;
    emit progress(m_done, m_frames);
    QTimer::singleShot(0, this, &FrameExporter::renderNext);
}

} // namespace coinfer

#include "moc_frameexporter.cpp"
