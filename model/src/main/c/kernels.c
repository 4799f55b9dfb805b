/*
 * Inference kernels for the narrow ViT of the MNIST configs: the JNI side of io.vitsom.model.nn.NativeKernels.
 * None has a backward, so training keeps libtorch's kernels.
 *
 * Attention for heads 4, 8 or 16 wide. With 197 tokens and heads 8 wide, libtorch's flash-attention kernel spends
 * its time in GEMM calls with an inner dimension of 8 and in per-row reductions, and was the largest item of the
 * forward pass. Here 16 query rows share one AVX-512 register, one row per lane, so the scores, their maximum,
 * the exponentials, the sum and the weighted values are all lane-wise: no horizontal reductions, no GEMM calls.
 * Layout: qkv is the qkv projection's output [B, N, 3, heads, d] (row-major, float32); out is [B, N, heads, d],
 * the layout the output projection reads. Scale 1/sqrt(d), as the reference.
 *
 * LayerNorm over rows 16, 32, 48 or 64 wide: one row is one to four registers. libtorch's kernel for 16-wide rows
 * was the next largest item (its row moments are built for long rows).
 *
 * Functions carry target("avx512f,fma") so the file builds with plain -O3 on any x86-64 and only runs where the
 * CPU has AVX-512 (checked at run time); elsewhere Java keeps libtorch's kernels.
 *
 * Threads: the work is split over libtorch's own OpenMP pool (its libgomp, found among the loaded libraries).
 * Java threads would compete with that pool's workers, which spin for a while after every libtorch operation.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <jni.h>
#include <link.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#define KERNEL __attribute__((target("avx512f,fma")))
#define LANES 16

/* exp(x) for x <= 0 (Cephes' expf polynomial, range reduction by ln 2, 2^n by scalef); relative error ~1e-7. */
static inline KERNEL __m512 exp_nonpositive(__m512 x) {
    x = _mm512_max_ps(x, _mm512_set1_ps(-87.0f));
    __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                    _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, n);
}

/*
 * One head of one image. kv: scratch [n][2d] (keys pre-scaled, then values); scores: scratch [n] registers.
 * Inlined with a constant d so the q and o register arrays stay in registers.
 */
static inline __attribute__((always_inline)) KERNEL void head(const float *qkv, float *out, int n, int heads,
        int d, int h, float scale, float *kv, __m512 *scores) {
    int width = heads * d;
    int stride = 3 * width;
    for (int j = 0; j < n; j++) {
        const float *k = qkv + (size_t) j * stride + width + h * d;
        const float *v = k + width;
        for (int c = 0; c < d; c++) {
            kv[j * 2 * d + c] = k[c] * scale;
            kv[j * 2 * d + d + c] = v[c];
        }
    }
    for (int i0 = 0; i0 < n; i0 += LANES) {
        int rows = n - i0 < LANES ? n - i0 : LANES;
        float lanes[16][LANES] __attribute__((aligned(64)));
        for (int c = 0; c < d; c++) {
            for (int r = 0; r < LANES; r++) {
                lanes[c][r] = r < rows ? qkv[(size_t) (i0 + r) * stride + h * d + c] : 0.0f;
            }
        }
        __m512 q[16];
        for (int c = 0; c < d; c++) {
            q[c] = _mm512_load_ps(lanes[c]);
        }
        __m512 max = _mm512_set1_ps(-INFINITY);
        for (int j = 0; j < n; j++) {
            const float *k = kv + j * 2 * d;
            __m512 s = _mm512_mul_ps(q[0], _mm512_set1_ps(k[0]));
            for (int c = 1; c < d; c++) {
                s = _mm512_fmadd_ps(q[c], _mm512_set1_ps(k[c]), s);
            }
            scores[j] = s;
            max = _mm512_max_ps(max, s);
        }
        __m512 sum = _mm512_setzero_ps();
        __m512 o[16];
        for (int c = 0; c < d; c++) {
            o[c] = _mm512_setzero_ps();
        }
        for (int j = 0; j < n; j++) {
            const float *v = kv + j * 2 * d + d;
            __m512 p = exp_nonpositive(_mm512_sub_ps(scores[j], max));
            sum = _mm512_add_ps(sum, p);
            for (int c = 0; c < d; c++) {
                o[c] = _mm512_fmadd_ps(p, _mm512_set1_ps(v[c]), o[c]);
            }
        }
        __m512 inv = _mm512_div_ps(_mm512_set1_ps(1.0f), sum);
        for (int c = 0; c < d; c++) {
            _mm512_store_ps(lanes[c], _mm512_mul_ps(o[c], inv));
        }
        for (int r = 0; r < rows; r++) {
            float *y = out + (size_t) (i0 + r) * width + h * d;
            for (int c = 0; c < d; c++) {
                y[c] = lanes[c][r];
            }
        }
    }
}

static KERNEL int attend(const float *qkv, float *out, int from, int to, int n, int heads, int d) {
    float scale = 1.0f / sqrtf((float) d);
    float *kv = aligned_alloc(64, ((size_t) n * 2 * d * sizeof(float) + 63) & ~(size_t) 63);
    __m512 *scores = aligned_alloc(64, (size_t) n * sizeof(__m512));
    if (kv == NULL || scores == NULL) {
        free(kv);
        free(scores);
        return -1;
    }
    for (int b = from; b < to; b++) {
        const float *x = qkv + (size_t) b * n * 3 * heads * d;
        float *y = out + (size_t) b * n * heads * d;
        for (int h = 0; h < heads; h++) {
            switch (d) {
                case 4: head(x, y, n, heads, 4, h, scale, kv, scores); break;
                case 8: head(x, y, n, heads, 8, h, scale, kv, scores); break;
                default: head(x, y, n, heads, 16, h, scale, kv, scores); break;
            }
        }
    }
    free(kv);
    free(scores);
    return 0;
}

/* LayerNorm of rows [from, to), each `width` (16, 32, 48 or 64) values: two passes over registers. */
static KERNEL int layer_norm(const float *x, float *y, const float *gamma, const float *beta, int from, int to,
        int width, float eps) {
    int regs = width / LANES;
    __m512 g[4], b[4];
    for (int k = 0; k < regs; k++) {
        g[k] = _mm512_loadu_ps(gamma + k * LANES);
        b[k] = _mm512_loadu_ps(beta + k * LANES);
    }
    for (int r = from; r < to; r++) {
        const float *row = x + (size_t) r * width;
        __m512 v[4];
        __m512 sum = _mm512_setzero_ps();
        for (int k = 0; k < regs; k++) {
            v[k] = _mm512_loadu_ps(row + k * LANES);
            sum = _mm512_add_ps(sum, v[k]);
        }
        __m512 mean = _mm512_set1_ps(_mm512_reduce_add_ps(sum) / (float) width);
        __m512 squares = _mm512_setzero_ps();
        for (int k = 0; k < regs; k++) {
            v[k] = _mm512_sub_ps(v[k], mean);
            squares = _mm512_fmadd_ps(v[k], v[k], squares);
        }
        __m512 rstd = _mm512_set1_ps(1.0f / sqrtf(_mm512_reduce_add_ps(squares) / (float) width + eps));
        float *out = y + (size_t) r * width;
        for (int k = 0; k < regs; k++) {
            _mm512_storeu_ps(out + k * LANES, _mm512_fmadd_ps(_mm512_mul_ps(v[k], rstd), g[k], b[k]));
        }
    }
    return 0;
}

static int cpu_ok(void) {
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
}
#else
static int cpu_ok(void) {
    return 0;
}
static int attend(const float *qkv, float *out, int from, int to, int n, int heads, int d) {
    return -1;
}
static int layer_norm(const float *x, float *y, const float *gamma, const float *beta, int from, int to,
        int width, float eps) {
    return -1;
}
#endif

/* libtorch's bundled libgomp: GOMP_parallel runs fn on the calling thread's pool (the one libtorch uses). */
typedef void (*gomp_parallel_fn)(void (*fn)(void *), void *data, unsigned threads, unsigned flags);
static gomp_parallel_fn gomp_parallel;
static int (*gomp_thread_num)(void);
static int (*gomp_num_threads)(void);
static pthread_once_t gomp_once = PTHREAD_ONCE_INIT;

static int find_gomp(struct dl_phdr_info *info, size_t size, void *data) {
    (void) size;
    (void) data;
    if (info->dlpi_name == NULL || strstr(info->dlpi_name, "libgomp") == NULL) {
        return 0;
    }
    void *lib = dlopen(info->dlpi_name, RTLD_LAZY | RTLD_NOLOAD);
    if (lib == NULL) {
        return 0;
    }
    gomp_parallel_fn parallel = (gomp_parallel_fn) dlsym(lib, "GOMP_parallel");
    gomp_thread_num = (int (*)(void)) dlsym(lib, "omp_get_thread_num");
    gomp_num_threads = (int (*)(void)) dlsym(lib, "omp_get_num_threads");
    if (parallel != NULL && gomp_thread_num != NULL && gomp_num_threads != NULL) {
        gomp_parallel = parallel;
        return 1;
    }
    return 0;
}

static void lookup_gomp(void) {
    dl_iterate_phdr(find_gomp, NULL);
}

/* One kernel call over [from, to) of some index (images, rows), split over the pool's threads. */
struct job {
    int (*run)(struct job *job, int from, int to);
    int from, to;
    const float *in, *gamma, *beta;
    float *out;
    int tokens, heads, width;
    float eps;
    int failed;
};

static int run_attention(struct job *job, int from, int to) {
    return attend(job->in, job->out, from, to, job->tokens, job->heads, job->width);
}

static int run_layer_norm(struct job *job, int from, int to) {
    return layer_norm(job->in, job->out, job->gamma, job->beta, from, to, job->width, job->eps);
}

static void run_share(void *arg) {
    struct job *job = arg;
    int t = gomp_thread_num();
    int count = gomp_num_threads();
    long span = job->to - job->from;
    if (job->run(job, job->from + (int) (span * t / count), job->from + (int) (span * (t + 1) / count)) != 0) {
        __atomic_store_n(&job->failed, 1, __ATOMIC_RELAXED);
    }
}

/* Runs the job on up to `threads` threads of libtorch's pool, or on this thread when the pool was not found. */
static int run(struct job *job, int threads) {
    pthread_once(&gomp_once, lookup_gomp);
    int span = job->to - job->from;
    if (gomp_parallel == NULL || threads <= 1 || span <= 1) {
        return job->run(job, job->from, job->to);
    }
    gomp_parallel(run_share, job, (unsigned) (threads < span ? threads : span), 0);
    return job->failed ? -1 : 0;
}

JNIEXPORT jboolean JNICALL Java_io_vitsom_model_nn_NativeKernels_attentionSupports(JNIEnv *env, jclass cls,
        jint d) {
    (void) env;
    (void) cls;
    return cpu_ok() && (d == 4 || d == 8 || d == 16);
}

JNIEXPORT jboolean JNICALL Java_io_vitsom_model_nn_NativeKernels_layerNormSupports(JNIEnv *env, jclass cls,
        jint width) {
    (void) env;
    (void) cls;
    return cpu_ok() && width > 0 && width <= 64 && width % 16 == 0;
}

/* Whether the work is split over libtorch's OpenMP threads (otherwise it runs on the calling thread). */
JNIEXPORT jboolean JNICALL Java_io_vitsom_model_nn_NativeKernels_parallel(JNIEnv *env, jclass cls) {
    (void) env;
    (void) cls;
    pthread_once(&gomp_once, lookup_gomp);
    return gomp_parallel != NULL;
}

/* Images [0, batch) on up to `threads` threads; 0, or -1 when a buffer is not direct or memory ran out. */
JNIEXPORT jint JNICALL Java_io_vitsom_model_nn_NativeKernels_attention(JNIEnv *env, jclass cls, jobject qkv,
        jobject out, jint batch, jint tokens, jint heads, jint d, jint threads) {
    (void) cls;
    struct job job = {run_attention, 0, batch, (*env)->GetDirectBufferAddress(env, qkv), NULL, NULL,
                      (*env)->GetDirectBufferAddress(env, out), tokens, heads, d, 0.0f, 0};
    if (job.in == NULL || job.out == NULL || !(d == 4 || d == 8 || d == 16)) {
        return -1;
    }
    return run(&job, threads);
}

/* Rows [0, rows) on up to `threads` threads; 0, or -1 when a buffer is not direct. */
JNIEXPORT jint JNICALL Java_io_vitsom_model_nn_NativeKernels_layerNorm(JNIEnv *env, jclass cls, jobject x,
        jobject gamma, jobject beta, jobject out, jint rows, jint width, jfloat eps, jint threads) {
    (void) cls;
    struct job job = {run_layer_norm, 0, rows, (*env)->GetDirectBufferAddress(env, x),
                      (*env)->GetDirectBufferAddress(env, gamma), (*env)->GetDirectBufferAddress(env, beta),
                      (*env)->GetDirectBufferAddress(env, out), 0, 0, width, eps, 0};
    if (job.in == NULL || job.gamma == NULL || job.beta == NULL || job.out == NULL
            || !(width > 0 && width <= 64 && width % 16 == 0)) {
        return -1;
    }
    return run(&job, threads);
}
