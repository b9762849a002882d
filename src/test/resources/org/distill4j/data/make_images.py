# Writes images of every kind the decoder must handle, and beside each FILE.rgb: the RGB that
# OpenCV's imread(IMREAD_COLOR) + BGR->RGB gives (big-endian int32 height, width, then HxWx3 bytes).
import sys, os, numpy as np, cv2
from PIL import Image
out = sys.argv[1]
h, w = 16, 24
yy, xx = np.mgrid[0:h, 0:w]
rgb = np.stack([xx * 10 % 256, yy * 15 % 256, (xx * 5 + yy * 7) % 256], -1).astype(np.uint8)
base = Image.fromarray(rgb)
files = []
for o in range(1, 9):
    ex = Image.Exif(); ex[274] = o
    p = os.path.join(out, f"exif{o}.jpg"); base.save(p, quality=100, subsampling=0, exif=ex.tobytes()); files.append(p)
p = os.path.join(out, "cmyk.jpg"); base.convert("CMYK").save(p, quality=100); files.append(p)
# YCCK (Adobe transform 2): neither PIL nor OpenCV writes it; ImageMagick's libjpeg does.
import subprocess
src = os.path.join(out, "ycck_source.png"); base.save(src)
p = os.path.join(out, "ycck.jpg")
subprocess.run(["convert", src, "-colorspace", "CMYK", "-quality", "100", "-define", "jpeg:colorspace=YCCK", p], check=True)
assert open(p, "rb").read().find(b"Adobe") > 0, "ImageMagick wrote no Adobe segment"
files.append(p)
p = os.path.join(out, "grey.jpg"); base.convert("L").save(p, quality=100); files.append(p)
p = os.path.join(out, "grey.png"); base.convert("L").save(p); files.append(p)
p = os.path.join(out, "palette.png"); base.convert("P", palette=Image.ADAPTIVE, colors=32).save(p); files.append(p)
rgba = np.dstack([rgb, (xx * 11 % 256).astype(np.uint8)])
p = os.path.join(out, "rgba.png"); Image.fromarray(rgba, "RGBA").save(p); files.append(p)
p = os.path.join(out, "rgb16.png"); cv2.imwrite(p, (rgb[..., ::-1].astype(np.uint16) * 257 + 3)); files.append(p)
p = os.path.join(out, "grey16.png"); cv2.imwrite(p, (rgb[..., 0].astype(np.uint16) * 250 + 77)); files.append(p)
for p in files:
    ref = cv2.imread(p, cv2.IMREAD_COLOR)
    ref = cv2.cvtColor(ref, cv2.COLOR_BGR2RGB)
    with open(p + ".rgb", "wb") as f:
        f.write(np.array(ref.shape[:2], dtype=">i4").tobytes()); f.write(ref.tobytes())
    print(os.path.basename(p))
