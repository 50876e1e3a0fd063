import numpy as np

from pngio import decode_png, encode_png


def test_roundtrip_and_deterministic_bytes():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, size=(37, 53), dtype=np.uint8)
    data = encode_png(img)
    assert data == encode_png(img.copy())
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    np.testing.assert_array_equal(decode_png(data), img)


def test_reads_sub_and_paeth_filtered_rows():
    import struct
    import zlib

    img = np.array([[10, 20, 30], [40, 50, 60]], dtype=np.uint8)
    # Row 0 with filter 1 (Sub), row 1 with filter 4 (Paeth), written by hand.
    row0 = [1, 10, 10, 10]
    # Paeth: a=left, b=up, c=up-left. x0: a=0,b=10,c=0 -> p=10 -> pred 10 (b). 40-10=30.
    # x1: a=40,b=20,c=10 -> p=50, pa=10, pb=30, pc=40 -> a=40. 50-40=10. x2: a=50,b=30,c=20 -> p=60 -> a. 10.
    row1 = [4, 30, 10, 10]
    raw = bytes(row0 + row1)

    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 2, 8, 0, 0, 0, 0))
    data += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    np.testing.assert_array_equal(decode_png(data), img)
