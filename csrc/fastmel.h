/*
 * fastmel core: frame features from one fused pass per group of frames,
 *
 *   framing (of the signal or its pre-emphasis) -> conditioning -> window
 *           -> real FFT -> |X|^p (floored, offset) -> sparse bank -> log
 *           -> dense post matrix -> bias -> energy -> output layout
 *
 * and, when asked, a floor at the maximum minus a range (a second pass that
 * touches only the frames below it) and a per-feature normalisation over
 * each row's frames (a pass over the output).
 *
 * A plain C ABI with no Python in it. The options come as one struct per
 * stage, each field with its meaning; a stage that a configuration does not
 * use costs nothing in the per-frame loop. A plan is built once from the
 * options and is then read-only: any number of threads may call fm_compute()
 * on the same plan at the same time, and its results do not depend on the
 * number of threads.
 *
 * Every function returns an fm_status; the core never aborts or exits.
 */
#ifndef FASTMEL_H
#define FASTMEL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum fm_status {
    FM_OK = 0,
    FM_ERR_INVALID = 1,     /* an option or argument is out of range */
    FM_ERR_NOMEM = 2,       /* an allocation failed */
    FM_ERR_INTERNAL = 3,    /* an unexpected C++ exception */
    FM_ERR_INTERRUPTED = 4, /* the caller's interrupt check asked to stop */
    FM_ERR_UNSUPPORTED = 5  /* the requested kernel is not built or not supported by this CPU */
} fm_status;

typedef enum fm_dtype {
    FM_FLOAT32 = 0,
    FM_FLOAT64 = 1
} fm_dtype;

/* Which compiled kernel a plan runs. */
typedef enum fm_kernel {
    FM_KERNEL_AUTO = 0,      /* the best this CPU supports */
    FM_KERNEL_BASELINE = 1,  /* the compiler's default target */
    FM_KERNEL_AVX2 = 2       /* x86-64 AVX2 + FMA; FM_ERR_UNSUPPORTED without */
} fm_kernel;

/* What frames read beyond the ends of a signal of N samples. */
typedef enum fm_pad {
    FM_PAD_REFLECT = 0,   /* mirror about the end samples: x[-1] = x[1] (numpy "reflect") */
    FM_PAD_CONSTANT = 1,  /* zeros */
    FM_PAD_SYMMETRIC = 2  /* mirror with the end sample repeated: x[-1] = x[0]
                             (Kaldi's snip_edges=false, numpy "symmetric") */
} fm_pad;

/* Which frame energy the energy stage measures. */
typedef enum fm_energy {
    FM_ENERGY_NONE = 0,      /* no energy */
    FM_ENERGY_RAW = 1,       /* after DC removal, before pre-emphasis and window (Kaldi raw_energy) */
    FM_ENERGY_WINDOWED = 2   /* of the windowed frame */
} fm_energy;

/* How the floor's maximum is taken. */
typedef enum fm_floor {
    FM_FLOOR_NONE = 0,    /* no floor */
    FM_FLOOR_GLOBAL = 1,  /* over the whole call (Keras's top_db) */
    FM_FLOOR_PER_ROW = 2  /* over each row (example), or each group of fm_input.floor_group rows */
} fm_floor;

/* Per-feature normalisation over each row's own frames. */
typedef enum fm_norm {
    FM_NORM_NONE = 0,      /* none */
    FM_NORM_MEAN = 1,      /* subtract each feature's mean (Kaldi subtract_mean) */
    FM_NORM_MEAN_STD = 2   /* then divide by its standard deviation (Parakeet, SeamlessM4T) */
} fm_norm;

/* Where the output's feature axis goes. */
typedef enum fm_layout {
    FM_LAYOUT_BANDS_FRAMES = 0,  /* rows x features x frames (Keras, librosa) */
    FM_LAYOUT_FRAMES_BANDS = 1   /* rows x frames x features (Kaldi, torchaudio.compliance) */
} fm_layout;

/* Framing: which samples frame t reads. Frame t is the frame_length samples
 * at signal indices t*hop + start ... t*hop + start + frame_length - 1;
 * indices outside 0 .. N-1 read the padding given by pad_mode. */
typedef struct fm_framing_opts {
    size_t frame_length;  /* W: samples per frame (the window's length), >= 1 */
    size_t hop;           /* samples between the starts of consecutive frames, >= 1 */
    ptrdiff_t start;      /* signal index of frame 0's first sample; < 0 reads padding
                             (Keras centred: (n - W)/2 - n/2) */
    ptrdiff_t reach;      /* frame t exists when t*hop + reach <= N (Keras centred: n - 2*(n/2),
                             uncentred: n; Kaldi snip_edges: W; Kaldi otherwise: hop - hop/2) */
    size_t drop_last;     /* frames left out at the end (whisper leaves out 1) */
    int pad_mode;         /* an fm_pad */
    double signal_preemphasis; /* c: frames read y[0] = x[0], y[j] = x[j] - c x[j-1] (over each
                                  row's own samples, padded as pad_mode says) instead of x;
                                  0: x itself (NeMo, Parakeet: 0.97; start 1 skips y[0]) */
} fm_framing_opts;

/* Conditioning of each frame's W samples, in this order (Kaldi's): dither,
 * DC removal, raw energy, pre-emphasis, window (fm_tables), windowed energy. */
typedef struct fm_condition_opts {
    double dither;         /* add dither * N(0, 1) to every sample of every frame, >= 0 (0: off) */
    uint64_t dither_seed;  /* the noise is a function of (seed, row, frame index, sample):
                              reproducible for any thread count or chunking */
    int remove_dc;         /* nonzero: subtract each frame's mean */
    double preemphasis;    /* c: x[j] -= c*x[j-1] for j > 0, x[0] -= c*x[0]; 0: off */
    int energy;            /* an fm_energy */
    double energy_min;     /* energy = ln(max(sum of squares, energy_min)), > 0 */
    double energy_floor;   /* then max(energy, energy_floor); -inf: none */
} fm_condition_opts;

/* Spectrum: the real FFT of the conditioned frame and its magnitude. */
typedef struct fm_spectrum_opts {
    size_t fft_length;  /* n >= W: FFT size, n/2 + 1 bins */
    size_t fft_offset;  /* zeros before the frame in the FFT input, <= n - W
                           (Keras centres the window: (n - W)/2; Kaldi: 0) */
    double mag_exp;     /* p in |X|^p, > 0; 2 and 1 have fast paths */
    double power_floor;   /* |X|^2 = max(|X|^2, power_floor) before the exponent, >= 0
                             (Inkling: sqrt(max(|X|^2, 1e-10))); 0: none */
    double power_offset;  /* then |X|^2 + power_offset, >= 0 (UnivNet: sqrt(|X|^2 + 1e-9));
                             |X|^p is that to the power p / 2 */
} fm_spectrum_opts;

/* Bank: sparse bands over the bins (their weights are in fm_tables). */
typedef struct fm_bank_opts {
    size_t num_bands;  /* >= 1 */
} fm_bank_opts;

/* Log: out = log_scale * (log10(max(B + log_offset, min_power))
 *                         - log10(max(|ref_power|, min_power))) + out_offset.
 * log_scale 10 gives dB, ln(10) the natural log. */
typedef struct fm_log_opts {
    int enabled;        /* zero: bands are output as they are (and no floor) */
    double log_scale;   /* > 0 */
    double log_offset;  /* added before the log, >= 0 */
    double out_offset;  /* added after the log */
    double min_power;   /* floor inside the log, > 0 */
    double ref_power;   /* reference; |ref_power| is used */
} fm_log_opts;

/* Floor of the log output, before the post matrix:
 * out = max(out, maximum - range), the maximum over finite values. */
typedef struct fm_floor_opts {
    int mode;      /* an fm_floor; FM_FLOOR_NONE unless log.enabled */
    double range;  /* in output units, >= 0 */
} fm_floor_opts;

/* Post: per frame, an optional dense matrix on the band vector (a DCT for
 * cepstra), an optional bias vector (fm_tables), then the energy in its
 * slot, then the layout. */
typedef struct fm_post_opts {
    size_t num_features;    /* K: rows of the post matrix (fm_tables); 0: no matrix, K = num_bands */
    int energy_insert;      /* with an energy stage: nonzero inserts it as a new feature
                               at energy_index (K + 1 features), zero replaces feature
                               energy_index (K features) */
    size_t energy_index;    /* <= K when inserting, < K when replacing */
    int layout;             /* an fm_layout */
    double fill;            /* value of the frames past a row's own length (see fm_input) */
} fm_post_opts;

/* Normalisation, the last stage: per row and output feature, over the row's
 * own frames but its last exclude_last, accumulated in double:
 * y = (x - mean) / s with s = sqrt(var) + eps (eps_in_sqrt 0) or
 * sqrt(var + eps) (eps_in_sqrt 1), var = sum((x - mean)^2) / (frames - ddof);
 * the excluded frames take post.fill. */
typedef struct fm_norm_opts {
    int mode;          /* an fm_norm */
    size_t ddof;       /* 0: the population variance; 1: the sample variance */
    double eps;        /* >= 0, see above (Parakeet: 1e-5 outside; SeamlessM4T: 1e-7 inside) */
    int eps_in_sqrt;   /* nonzero: eps is added to the variance under the square root */
    size_t exclude_last; /* a row's last frames left out (Parakeet's lengths: 1) */
} fm_norm_opts;

/* The scalar options of every stage. */
typedef struct fm_options {
    fm_framing_opts framing;
    fm_condition_opts condition;
    fm_spectrum_opts spectrum;
    fm_bank_opts bank;
    fm_log_opts log;
    fm_floor_opts floor;
    fm_post_opts post;
    fm_norm_opts norm;
    int kernel;  /* an fm_kernel */
} fm_options;

/* The arrays a plan is built from; the plan keeps copies, rounded to its dtype.
 * Band m sums band_weights[off_m + j] * |X|^p[band_first[m] + j] for
 * j < band_len[m], where off_m = band_len[0] + ... + band_len[m-1]. */
typedef struct fm_tables {
    const double *window;        /* framing.frame_length values, or NULL for a rectangle */
    const size_t *band_first;    /* bank.num_bands first bins */
    const size_t *band_len;      /* bank.num_bands lengths (0 allowed), first + len <= n/2 + 1 */
    const double *band_weights;  /* sum(band_len) weights, band after band */
    const double *post_matrix;   /* post.num_features x bank.num_bands, row-major;
                                    NULL when post.num_features is 0 */
    const double *post_bias;     /* NULL, or K values (K = post.num_features, or bank.num_bands
                                    without a matrix) added to the features before the energy
                                    goes in (a fixed per-feature affine: Gemma's -mean/std) */
} fm_tables;

typedef struct fm_plan fm_plan;

/* Build a plan for one dtype. On success *out owns a plan to release with
 * fm_plan_destroy(). */
fm_status fm_plan_create(const fm_options *opts, const fm_tables *tables, fm_dtype dtype,
                         fm_plan **out);
void fm_plan_destroy(fm_plan *plan);

/* Frames of a signal of n_samples: 1 + (n_samples - reach) / hop - drop_last
 * when n_samples >= 1 and n_samples >= reach, else 0 (never negative). */
size_t fm_num_frames(const fm_plan *plan, size_t n_samples);
/* Output features per frame: K, plus 1 when the energy is inserted. */
size_t fm_num_features(const fm_plan *plan);

/* Name of the instruction set the plan's kernel was compiled for. */
const char *fm_plan_isa(const fm_plan *plan);
/* Frames transformed together in one FFT execution (SIMD lanes). */
size_t fm_plan_lanes(const fm_plan *plan);
/* Nonzero when kernel (an fm_kernel) is built and runs on this CPU. */
int fm_kernel_available(int kernel);

/* torch.randn(n) of a CPU generator seeded with seed (torch's MT19937 stream
 * and its Box-Muller on blocks of 16, as torch's normal_fill), float32, into
 * out[0, n), computed by kernel (an fm_kernel): torch's values to a few ulps
 * (its SLEEF logarithm, sine and cosine replaced by fastmel's). For n < 16 (a
 * scalar path in torch) the first n values of the block drawn after n. */
fm_status fm_torch_randn(uint32_t seed, size_t n, float *out, int kernel);

/* Utterance CMVN in place on x (frames x bands, row-major float32), with
 * NumPy's float32 bits: with means, x -= the mean of each column over rows
 * [0, n); then with variances, x /= the population standard deviation of
 * each column over rows [0, n) (of the centred values when means), every
 * row changed. NumPy sums axis 0 of such an array row after row, in float32
 * (for 2 bands or more: so bands >= 2); 1 <= n <= frames. Computed by
 * kernel (an fm_kernel). */
fm_status fm_utterance_cmvn_f32(float *x, size_t frames, size_t n, size_t bands, int means,
                                int variances, int kernel);

/* One call's input. Row r, sample j is at data[r*row_stride + j*sample_stride],
 * or rows[r][j*sample_stride] (strides in elements, may be negative). */
typedef struct fm_input {
    const void *data;         /* element [0, 0], of the plan's dtype */
    size_t n_rows;
    ptrdiff_t row_stride;
    ptrdiff_t sample_stride;
    size_t n_samples;         /* N: samples per row, >= 1 */
    const size_t *lengths;    /* NULL, or n_rows lengths <= n_samples: row r is then its first
                                 lengths[r] samples, framed and padded as that signal alone,
                                 with fm_num_frames(lengths[r]) frames; later frames hold
                                 post.fill and take no part in the floor */
    uint64_t frame_index0;    /* the index of output frame 0 where an index matters (dither
                                 noise): a stream passes the frames it returned before */
    uint64_t dither_key;      /* mixed into condition.dither_seed for this call (seed ^ key):
                                 fresh noise per call without a new plan; 0 for the seed alone */
    size_t floor_group;       /* FM_FLOOR_PER_ROW plans: the floor's maximum is over each run of
                                 floor_group consecutive rows (0 or 1: each row alone); must
                                 divide n_rows. Ignored by other plans. */
    const size_t *zero_from;  /* NULL, or per row: the caller's promise that samples from this
                                 index on are 0 (a zero-padded batch). Groups of frames that
                                 read only such samples (padding included) skip the FFT; the
                                 result is the same. Ignored with dither. */
    int zeros_unstored;       /* with zero_from: nonzero when those zeros are not in memory:
                                 row r holds only its first min(zero_from[r], n_samples)
                                 samples (n_samples is the rows' logical length), and no
                                 sample at or after that index is read, dither or not */
    double *floor_max;        /* plans with a floor: NULL, or per row the maximum of the log
                                 bands before this call (a stream's running maximum; -inf for
                                 a new signal), with which the call's maximum is taken; on
                                 return, the maximum the row's floor used (over its group).
                                 Unchanged when there is no frame. Ignored by other plans. */
    const void *const *rows;  /* NULL, or n_rows pointers: row r's sample 0 is at rows[r]
                                 (data and row_stride unused), so a list of separate clips is
                                 one call without a copy. Needs zero_from and zeros_unstored:
                                 row r holds min(zero_from[r], n_samples) samples */
    int samples_float32;      /* nonzero: the samples (data or rows) are float32 and the plan
                                 float64; each is read as its exact double, as if the rows had
                                 been converted first, without a converted copy of them (each
                                 group of frames widens the samples it reads). FM_ERR_INVALID
                                 with a float32 plan. Strides count float32 elements. */
} fm_input;

typedef int (*fm_interrupt_fn)(void *ctx);

/* The most threads one call uses (the caller's and helpers). The helper pool,
 * shared by all calls of the process, never holds more than FM_MAX_THREADS - 1
 * threads, and a helper idle for FM_POOL_IDLE_MS milliseconds exits. A helper
 * that finished a task first polls for the next one for FM_POOL_SPIN_US
 * microseconds (yielding its core to any other thread after the first 50;
 * only while the pool has fewer helpers than the machine has hardware
 * threads), then sleeps. */
#define FM_MAX_THREADS 256
#define FM_POOL_IDLE_MS 2000
#define FM_POOL_SPIN_US 1000

/*
 * Compute the features of in->n_rows rows into out: C-contiguous, of the
 * plan's dtype, n_rows x K' x F (FM_LAYOUT_BANDS_FRAMES) or n_rows x F x K'
 * with F = fm_num_frames(plan, in->n_samples) and K' = fm_num_features(plan).
 *   num_threads: worker threads to use, >= 1; above FM_MAX_THREADS, FM_MAX_THREADS.
 *            Results do not depend on it.
 *   interrupt: if not NULL, called now and then from the calling thread;
 *            a nonzero return stops the work and gives FM_ERR_INTERRUPTED.
 */
fm_status fm_compute(const fm_plan *plan, const fm_input *in, void *out, int num_threads,
                     fm_interrupt_fn interrupt, void *interrupt_ctx);

/* ---- Stages along frames -------------------------------------------------
 *
 * A second kind of plan, run on features (the output of fm_compute, or any
 * rows x features x frames array): stages that read a feature over many
 * frames. Each row is its own sequence of frames, the features independent.
 * Per row, in this order: PCEN, sliding CMVN, deltas, stacking. Output
 * features per frame: K (1 + delta.order) (the features, then their deltas
 * of order 1, 2, ... in that order: Kaldi's add-deltas layout), times
 * stack.size when stacking. */

/* What a filter along frames reads before the first frame and after the last. */
typedef enum fm_edge {
    FM_EDGE_REPLICATE = 0,  /* the end frame repeated (torchaudio's compute_deltas, Kaldi,
                               scipy "nearest") */
    FM_EDGE_REFLECT = 1,    /* mirrored about the end frame (numpy "reflect", scipy "mirror") */
    FM_EDGE_SYMMETRIC = 2,  /* mirrored with the end frame repeated (scipy "reflect") */
    FM_EDGE_CONSTANT = 3,   /* zeros */
    FM_EDGE_WRAP = 4,       /* the frames again, periodically */
    FM_EDGE_INTERP = 5      /* no reading past the ends: frames nearer than the filter's half
                               width to an end take the value of the nearest frame whose
                               window fits (scipy savgol "interp" when deriv == polyorder,
                               librosa.feature.delta's default); needs frames >= width */
} fm_edge;

/* Deltas: d_o[t] = sum_j filter_o[j] * x_o[t + j - (width - 1) / 2], where x_o is the
 * features (recursive 0) or d_{o-1} (recursive 1), read past the ends as edge says. */
typedef struct fm_delta_opts {
    size_t order;    /* deltas appended per frame, 0 .. 8 (0: none) */
    size_t width;    /* filter length, odd, 1 .. 4095 (Kaldi window 2, order 2: 9) */
    int edge;        /* an fm_edge; FM_EDGE_INTERP only when not recursive */
    int recursive;   /* nonzero: each order filters the one before with filter 1
                        (torchaudio's compute_deltas twice); zero: order o filters the
                        features with its own filter (Kaldi's convolved filters, librosa) */
} fm_delta_opts;

/* Per-channel energy normalisation (librosa's pcen), first: on a linear
 * spectrogram x >= 0, per feature, the smoother M[t] = smooth x[t] + z and
 * then z = (1 - smooth) M[t] (in double: scipy's lfilter([smooth],
 * [1, smooth - 1]) with state z), g = exp(-gain (ln eps + log1p(M / eps))), and
 *   power 0:  log1p(x g)
 *   bias 0:   exp(power (ln x + ln g))
 *   else:     bias^power expm1(power log1p(x g / bias)).
 * z starts as `initial` for every feature, or as the caller's state. */
typedef struct fm_pcen_opts {
    int enabled;     /* nonzero: PCEN on the input before the deltas */
    double smooth;   /* in (0, 1] (librosa: from time_constant, sr and hop_length) */
    double initial;  /* z before the first frame without a state (librosa: 1 - smooth) */
    double gain;     /* >= 0 */
    double bias;     /* >= 0 */
    double power;    /* >= 0 */
    double eps;      /* > 0 */
} fm_pcen_opts;

/* Sliding-window mean (and variance) normalisation, as Kaldi's
 * apply-cmvn-sliding and torchaudio's sliding_window_cmn: frame t of n takes
 * y = x - mean over a window of frames [s, e), times 1 / sqrt(var) (var =
 * mean of squares - mean^2, sums in double; 0 for a window of one frame) with
 * norm_vars. Without center the window is [max(0, t - window), max(t + 1,
 * min_window)), so the first frames look ahead to min_window frames; with
 * center [t - window / 2, t - window / 2 + window) moved inside [0, n); either
 * way then moved left to end at n, its start clamped at 0. */
typedef struct fm_cmvn_opts {
    int enabled;        /* nonzero: after PCEN, before the deltas */
    size_t window;      /* >= 1 (Kaldi's cmn_window: 600) */
    size_t min_window;  /* Kaldi's min_cmn_window (100); not used with center */
    int center;         /* nonzero: windows centred on their frame */
    int norm_vars;      /* nonzero: also divide by the standard deviation */
} fm_cmvn_opts;

/* Frame stacking, last (FunASR's low frame rate, LFR): output frame i holds
 * frames i*step - left .. i*step - left + size - 1 of the features (with their
 * deltas), one after the other, the frame index clamped to the row's frames
 * (the first and the last frame repeated); a row of n frames gives
 * ceil(n / step) of them. */
typedef struct fm_stack_opts {
    size_t size;  /* frames per output frame, <= 65536; 0: no stacking */
    size_t step;  /* frames between output frames, >= 1 when stacking */
    size_t left;  /* copies of frame 0 before the first (FunASR: (size - 1) / 2) */
} fm_stack_opts;

typedef struct fm_frames_opts {
    size_t num_features;  /* K: features per frame of the input, >= 1 */
    int layout;           /* an fm_layout, of the input and the output */
    fm_pcen_opts pcen;
    fm_cmvn_opts cmvn;
    fm_delta_opts delta;
    fm_stack_opts stack;
    double fill;          /* value of the frames past a row's own length */
    int kernel;           /* an fm_kernel */
} fm_frames_opts;

typedef struct fm_frames_tables {
    const double *delta_filters;  /* delta.order x delta.width coefficients (recursive: width,
                                     the one filter); NULL when delta.order is 0 */
} fm_frames_tables;

typedef struct fm_frames_plan fm_frames_plan;

fm_status fm_frames_create(const fm_frames_opts *opts, const fm_frames_tables *tables,
                           fm_dtype dtype, fm_frames_plan **out);
void fm_frames_destroy(fm_frames_plan *plan);
/* Output features per frame: num_features * (1 + delta.order), times stack.size. */
size_t fm_frames_out_features(const fm_frames_plan *plan);
/* Output frames of n_frames input frames: ceil(n_frames / stack.step) when
 * stacking, else n_frames. */
size_t fm_frames_out_frames(const fm_frames_plan *plan, size_t n_frames);
/* Name of the instruction set the plan's kernel was compiled for. */
const char *fm_frames_isa(const fm_frames_plan *plan);

/* One call: in is n_rows x K x n_frames (FM_LAYOUT_BANDS_FRAMES) or
 * n_rows x n_frames x K, C-contiguous, of the plan's dtype; out the same with
 * fm_frames_out_features(plan) features and fm_frames_out_frames(plan,
 * n_frames) frames, C-contiguous, not overlapping in.
 * lengths: NULL, or n_rows frame counts <= n_frames: row r is its first
 * lengths[r] frames, and its later output frames (from
 * fm_frames_out_frames(plan, lengths[r]) on) hold fill.
 * state: NULL, or n_rows x K values (row-major) that carry PCEN's filter
 * state z from one call to the next (a stream; librosa's zi and zf): with
 * state_in nonzero they are z before each row's first frame, else
 * pcen.initial is; after the call they hold z after each row's last frame.
 * Results do not depend on num_threads. */
fm_status fm_frames_compute(const fm_frames_plan *plan, const void *in, void *out,
                            size_t n_rows, size_t n_frames, const size_t *lengths,
                            double *state, int state_in, int num_threads,
                            fm_interrupt_fn interrupt, void *interrupt_ctx);

/* Where a call's frames sit in a longer signal: a stream computing sliding
 * CMVN on a window of it. The CMVN of a frame depends on its index in the
 * signal (its window, and the blocks of FM_CMVN_BLOCK frames at which the
 * window sums restart), never on where a call starts, so a part gives the
 * whole call's values for the frames whose window it holds. */
#define FM_FRAMES_OPEN ((size_t)-1)
#define FM_CMVN_BLOCK 256
typedef struct fm_frames_part {
    size_t frame0; /* the signal index of the call's frame 0 */
    size_t total;  /* the signal's frames (>= frame0 + n_frames), or FM_FRAMES_OPEN when
                      not yet known: windows are then never moved for the signal's end */
    size_t first;  /* call frames before this one need not be computed (<= n_frames); the
                      caller provides every frame the windows of the block of `first` and
                      of the later frames read, and outputs whose window passes the call's
                      last frame are unspecified */
} fm_frames_part;

/* fm_frames_compute for a part of a signal (part NULL: the whole signal).
 * With a part, lengths must be NULL. */
fm_status fm_frames_compute_part(const fm_frames_plan *plan, const void *in, void *out,
                                 size_t n_rows, size_t n_frames, const size_t *lengths,
                                 const fm_frames_part *part, double *state, int state_in,
                                 int num_threads, fm_interrupt_fn interrupt,
                                 void *interrupt_ctx);

/* A static English description of a status code. */
const char *fm_status_message(int status);

#ifdef __cplusplus
}
#endif

#endif /* FASTMEL_H */
