package io.vitsom.dashboard;

import io.vitsom.model.data.DecodedImage;
import io.vitsom.model.data.ImageCodec;
import io.vitsom.model.data.ImageDecodeException;
import io.vitsom.model.metrics.RollingTopology;
import io.vitsom.model.render.MapImages;
import io.vitsom.model.som.SomGrid;
import io.vitsom.stream.Messages;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Draws the map pictures from the {@link DashboardState} as PNG bytes, and keeps the bytes of each picture until
 * the data behind it changes (its revision moves): any number of page loads between two changes cost one drawing.
 * Drawing blocks (PNG decoding and encoding): call {@link #png} off the event loop.
 */
public final class MapRenderer {
    private static final Logger LOG = LoggerFactory.getLogger(MapRenderer.class);
    /** Largest label number still used as its own colour index; beyond it labels are ordered by name. */
    private static final int MAX_NUMERIC_LABEL = 99;

    private final DashboardState state;
    private final Map<MapImage, Cached> cache = new ConcurrentHashMap<>();
    private final AtomicLong drawings = new AtomicLong();

    private record Cached(long revision, byte[] png) {
    }

    public MapRenderer(DashboardState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    /**
     * The revision {@code image} would be drawn from now, or empty while it cannot be drawn (no map yet, no
     * prototype images, an incomplete prototype set for the U-matrix, an empty window, no labels).
     */
    public static Optional<Long> drawableRevision(MapImage image, Optional<DashboardState.PrototypesView> prototypes,
                                                  Optional<DashboardState.WindowView> window) {
        return switch (image) {
            case PROTOTYPES -> prototypes
                    .filter(v -> Arrays.stream(v.byUnit()).anyMatch(p -> p != null && p.imagePng() != null))
                    .map(DashboardState.PrototypesView::revision);
            case UMATRIX -> prototypes
                    .filter(v -> Arrays.stream(v.byUnit()).allMatch(Objects::nonNull))
                    .map(DashboardState.PrototypesView::revision);
            case HITS -> window.filter(w -> w.snapshot().images() > 0).map(DashboardState.WindowView::revision);
            case LABELS -> window
                    .filter(w -> Arrays.stream(w.snapshot().majorityLabels()).anyMatch(Objects::nonNull))
                    .map(DashboardState.WindowView::revision);
        };
    }

    /** The PNG of {@code image} from the current state, or empty while it cannot be drawn. Blocks. */
    public Optional<byte[]> png(MapImage image) {
        return switch (image) {
            case PROTOTYPES, UMATRIX -> state.prototypes()
                    .flatMap(v -> cached(image, v.revision(), () -> image == MapImage.PROTOTYPES ? mosaic(v) : uMatrix(v)));
            case HITS, LABELS -> state.window()
                    .flatMap(w -> cached(image, w.revision(), () -> image == MapImage.HITS ? hits(w) : labels(w)));
        };
    }

    /** How many pictures were drawn so far (cache misses). */
    public long drawings() {
        return drawings.get();
    }

    private Optional<byte[]> cached(MapImage image, long revision, Supplier<Optional<BufferedImage>> draw) {
        Cached hit = cache.get(image);
        if (hit != null && hit.revision() == revision) {
            return Optional.ofNullable(hit.png());
        }
        drawings.incrementAndGet();
        byte[] png = draw.get().map(MapRenderer::encode).orElse(null);
        cache.put(image, new Cached(revision, png));
        return Optional.ofNullable(png);
    }

    /** Cells of about 480 px per map side, between 4 and 24 px. */
    static int cellPx(SomGrid grid) {
        return Math.max(4, Math.min(24, 480 / Math.max(grid.rows(), grid.cols())));
    }

    private static Optional<BufferedImage> mosaic(DashboardState.PrototypesView view) {
        Messages.Prototype[] byUnit = view.byUnit();
        DecodedImage[] decoded = new DecodedImage[byUnit.length];
        DecodedImage first = null;
        for (int k = 0; k < byUnit.length; k++) {
            if (byUnit[k] == null || byUnit[k].imagePng() == null) {
                continue;
            }
            try {
                decoded[k] = ImageCodec.decode(Base64.getDecoder().decode(byUnit[k].imagePng()));
                first = first == null ? decoded[k] : first;
            } catch (ImageDecodeException | IllegalArgumentException e) {
                LOG.warn("prototype image of unit {} (model version {}) is unreadable: {}", k,
                        byUnit[k].modelVersion(), e.getMessage());
            }
        }
        if (first == null) {
            return Optional.empty();
        }
        int channels = first.channels();
        int height = first.height();
        int width = first.width();
        float[][] tiles = new float[byUnit.length][];
        for (int k = 0; k < byUnit.length; k++) {
            float[] tile = new float[channels * height * width];
            DecodedImage d = decoded[k];
            if (d != null && d.channels() == channels && d.height() == height && d.width() == width) {
                byte[] chw = d.chw();
                for (int i = 0; i < tile.length; i++) {
                    tile[i] = (chw[i] & 0xFF) / 255f;
                }
            } else {
                Arrays.fill(tile, 1f); // a unit without a readable image stays blank
            }
            tiles[k] = tile;
        }
        int scale = Math.max(1, 28 / Math.max(height, width));
        return Optional.of(MapImages.prototypeMosaic(tiles, channels, height, width, view.grid(), scale, 1));
    }

    private Optional<BufferedImage> uMatrix(DashboardState.PrototypesView view) {
        Messages.Prototype[] byUnit = view.byUnit();
        float[][] vectors = new float[byUnit.length][];
        for (int k = 0; k < byUnit.length; k++) {
            if (byUnit[k] == null) {
                return Optional.empty();
            }
            vectors[k] = byUnit[k].vector();
        }
        try {
            return Optional.of(MapImages.uMatrix(vectors, view.grid(), state.config().distance(),
                    cellPx(view.grid())));
        } catch (IllegalArgumentException e) {
            LOG.warn("cannot draw the U-matrix: {}", e.getMessage());
            return Optional.empty();
        }
    }

    private static Optional<BufferedImage> hits(DashboardState.WindowView window) {
        if (window.snapshot().images() == 0) {
            return Optional.empty();
        }
        return Optional.of(MapImages.hitMap(window.snapshot().hits(), window.grid(), cellPx(window.grid()), true));
    }

    private static Optional<BufferedImage> labels(DashboardState.WindowView window) {
        RollingTopology.Snapshot snapshot = window.snapshot();
        LabelIndex index = LabelIndex.of(snapshot.majorityLabels());
        if (index.numClasses() == 0) {
            return Optional.empty();
        }
        String[] majority = snapshot.majorityLabels();
        int[] ids = new int[majority.length];
        for (int k = 0; k < majority.length; k++) {
            ids[k] = majority[k] == null ? -1 : index.id(majority[k]);
        }
        return Optional.of(MapImages.labelMap(ids, index.numClasses(), window.grid(), cellPx(window.grid()),
                index.names()));
    }

    /**
     * Colour indices of labels: small non-negative numbers (digits, CIFAR class ids) are their own index, so a
     * class keeps its colour whichever classes the window holds; other labels are numbered in name order.
     *
     * @param names legend names by index, empty to print the numbers
     */
    record LabelIndex(int numClasses, List<String> names) {
        static LabelIndex of(String[] labels) {
            TreeSet<String> distinct = new TreeSet<>();
            for (String label : labels) {
                if (label != null) {
                    distinct.add(label);
                }
            }
            int max = -1;
            for (String label : distinct) {
                Integer n = smallNumber(label);
                if (n == null) {
                    return new LabelIndex(distinct.size(), new ArrayList<>(distinct));
                }
                max = Math.max(max, n);
            }
            return new LabelIndex(max + 1, List.of());
        }

        int id(String label) {
            return names.isEmpty() ? smallNumber(label) : names.indexOf(label);
        }

        private static Integer smallNumber(String label) {
            if (label.isEmpty() || label.length() > 2 || !label.chars().allMatch(Character::isDigit)
                    || (label.length() > 1 && label.charAt(0) == '0')) {
                return null;
            }
            int n = Integer.parseInt(label);
            return n <= MAX_NUMERIC_LABEL ? n : null;
        }
    }

    private static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, "png", out)) {
                throw new IllegalStateException("no PNG writer available");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
