#pragma once
// A small animated-GIF (GIF89a) encoder: a fixed 256-colour palette (every colour of
// widgets/charts/palette.h exactly, the light and dark themes' background and text, a 6 x 6 x 6
// colour cube and a ramp of greys), LZW compression, and a loop forever. Qt reads GIFs but does
// not write them. The exact entries keep a frame's meaning colours (and its greys) as on screen.

#include <QFile>
#include <QImage>
#include <QRgb>
#include <QSize>
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

    /// The palette index of a colour: an exact entry when there is one, else the nearest entry
    /// (5 bits a channel, from a table built once). O(1).
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
