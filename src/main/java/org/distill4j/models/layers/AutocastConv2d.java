package org.distill4j.models.layers;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.distill4j.engine.Autocast;
import org.distill4j.engine.Convolutions;
import org.distill4j.engine.DilatedConvolutions;
import org.distill4j.engine.ScriptedOps;

/**
 * DJL's {@link Conv2d} that computes in bfloat16 inside an {@link Autocast} scope of {@code amp:
 * bf16} (its input, float32 or bfloat16, and its float32 weights rounded to bf16; the result left
 * in bfloat16 for the next layer, see {@link Autocast}), and as DJL's float32 convolution
 * everywhere else, both through {@link Convolutions#conv2d} (the path {@code check --kernels}
 * audits). A dilated convolution that libtorch's CPU kernels compute slowly is computed on its
 * input's phases instead ({@link DilatedConvolutions}), in either precision. Inside a scope for a
 * frozen model ({@link Autocast#scope(org.distill4j.config.Amp,
 * org.distill4j.engine.FrozenWeights)}) the weights' bfloat16 copies are made once and reused;
 * there {@link ConvBNLayer} may compute this convolution with its batch norm folded in, from {@link
 * #weightValue}, {@link #biasValue} and {@link #geometry}. The parameters, their names, shapes and
 * files are DJL's, so weights load and save as before.
 */
public final class AutocastConv2d extends Conv2d {
  private AutocastConv2d(Builder builder) {
    super(builder);
  }

  /** A builder with DJL's {@link Conv2d.Builder} options. */
  public static Builder autocastBuilder() {
    return new Builder();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray input = inputs.singletonOrThrow();
    Device device = input.getDevice();
    boolean bf16 = Autocast.bf16();
    NDArray w = parameterStore.getValue(weight, device, training);
    NDArray b = includeBias ? parameterStore.getValue(bias, device, training) : null;
    if (bf16) {
      // A frozen model's scope hands out bfloat16 copies made once (Autocast.convWeight).
      w = Autocast.convWeight(w);
      b = b == null ? null : Autocast.convWeight(b);
    }
    return new NDList(Convolutions.conv2d(input, w, b, geometry(), bf16));
  }

  /** The float32 weights as {@code store} hands them out on {@code device}, without gradients. */
  NDArray weightValue(ParameterStore store, Device device) {
    return store.getValue(weight, device, false);
  }

  /** {@link #weightValue} for the bias, or null when the convolution has none. */
  NDArray biasValue(ParameterStore store, Device device) {
    return includeBias ? store.getValue(bias, device, false) : null;
  }

  /** Stride, padding, dilation and groups, as {@link Convolutions#conv2d} takes them. */
  ScriptedOps.ConvGeometry geometry() {
    return ScriptedOps.ConvGeometry.of(stride, padding, dilation, groups);
  }

  /** Builds an {@link AutocastConv2d}. */
  public static final class Builder extends Conv2d.Builder {
    private Builder() {}

    @Override
    public AutocastConv2d build() {
      validate();
      return new AutocastConv2d(this);
    }
  }
}
