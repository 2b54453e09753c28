using Foresight.Ingestion;
using IronSnappy;

namespace Foresight.Tests.Ingestion;

public class SnappyBlockTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(100)]
    [InlineData(70_000)]
    [InlineData(300_000)]
    public void Decodes_what_IronSnappy_encodes(int size)
    {
        // Mixed text: repeated runs (copies, incl. overlapping ones) and random bytes (long literals).
        var random = new Random(size);
        var data = new byte[size];
        for (var i = 0; i < size; i++) data[i] = i % 1000 < 600 ? (byte)("label_value_"[i % 12]) : (byte)random.Next(256);
        var compressed = Snappy.Encode(data);

        SnappyBlock.TryGetDecodedLength(compressed, out var length, out var header).Should().BeTrue();
        length.Should().Be(size);
        var decoded = new byte[length];
        SnappyBlock.TryDecode(compressed.AsSpan(header), decoded).Should().BeTrue();
        decoded.Should().Equal(data);
    }

    [Fact]
    public void Corrupt_blocks_are_refused()
    {
        var compressed = Snappy.Encode(new byte[1000]);
        SnappyBlock.TryGetDecodedLength(compressed, out var length, out var header).Should().BeTrue();

        SnappyBlock.TryDecode(compressed.AsSpan(header, compressed.Length - header - 1), new byte[length]).Should().BeFalse();
        SnappyBlock.TryDecode([0x01, 0x05], new byte[8]).Should().BeFalse(); // copy before any output
        SnappyBlock.TryDecode([0xF0, 0xFF], new byte[8]).Should().BeFalse(); // literal longer than input
    }
}
