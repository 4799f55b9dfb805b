/*
 * Built by Maven (build.sh) and loaded with LD_PRELOAD by ./vitsom on non-Intel CPUs (see the launcher and
 * README "Speed").
 *
 * libtorch links Intel oneMKL, which picks its BLAS kernels by CPU vendor before it looks at the instruction
 * set: on AMD (and any non-Intel x86) it takes its generic code path even where the CPU has AVX2/AVX-512, and
 * sgemm is over half of a ViT-SOM training step. MKL asks this exported function "is this an Intel CPU?"
 * through the PLT of libtorch_cpu.so, so a preloaded definition answers yes and MKL then chooses its kernels
 * from the CPUID feature bits alone, as it does on Intel. On an Intel CPU it changes nothing.
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
