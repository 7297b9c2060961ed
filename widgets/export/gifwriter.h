#pragma once
// A small animated-GIF (GIF89a) encoder: a fixed 256-colour palette (6 x 7 x 6 colour cube and
// four greys), LZW compression, and a loop forever. Qt reads GIFs but does not write them.

#include <QFile>
#include <QImage>
#include <QString>

#include <cstdint>
#include <vector>

namespace coinfer {

class GifWriter {
public:
    /// Starts @p path for frames of @p size; false if the file cannot be written.
    bool open(const QString& path, const QSize& size);
    /// Appends one frame (scaled to the size if needed) shown for @p delayCentiseconds. O(pixels).
    bool addFrame(const QImage& frame, int delayCentiseconds);
    /// Writes the trailer and closes; false if anything failed.
    bool close();

    /// The palette index of a colour. O(1).
    static std::uint8_t paletteIndex(QRgb colour);
    /// The colour of a palette index.
    static QRgb paletteColour(int index);

private:
    void writeBytes(const std::vector<std::uint8_t>& bytes);
    QFile m_file;
    QSize m_size;
    bool m_ok = false;
};

} // namespace coinfer
