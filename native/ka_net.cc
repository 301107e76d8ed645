// ka_net: thin socket syscalls for keepalived-ts. Every protocol byte (sockaddr, options, packets,
// control messages) is built and parsed in TypeScript; this file only moves bytes and reports errno.
// Readiness comes from uv_poll on the addon's own event loop (no threads).
#include <napi.h>
#include <uv.h>

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

namespace {

// Throws a JS Error shaped like Node's system errors: code 'EPERM', errno 1, syscall 'socket'.
Napi::Value ThrowErrno(Napi::Env env, const char* syscall, int err) {
  const char* name = strerrorname_np(err);
  std::string msg = std::string(syscall) + ": " + strerror(err);
  Napi::Error e = Napi::Error::New(env, msg);
  e.Set("code", Napi::String::New(env, name ? name : ("E" + std::to_string(err)).c_str()));
  e.Set("errno", Napi::Number::New(env, err));
  e.Set("syscall", Napi::String::New(env, syscall));
  e.ThrowAsJavaScriptException();
  return env.Undefined();
}

Napi::Value ThrowType(Napi::Env env, const char* msg) {
  Napi::TypeError::New(env, msg).ThrowAsJavaScriptException();
  return env.Undefined();
}

bool IsInt(const Napi::CallbackInfo& info, size_t i) { return info.Length() > i && info[i].IsNumber(); }

// A byte view of a Uint8Array/Buffer argument.
struct Bytes {
  uint8_t* data = nullptr;
  size_t len = 0;
  bool ok = false;
};
Bytes GetBytes(const Napi::CallbackInfo& info, size_t i) {
  Bytes b;
  if (info.Length() <= i || !info[i].IsTypedArray()) return b;
  Napi::TypedArray ta = info[i].As<Napi::TypedArray>();
  if (ta.TypedArrayType() != napi_uint8_array) return b;
  Napi::Uint8Array u = ta.As<Napi::Uint8Array>();
  b.data = u.Data();
  b.len = u.ByteLength();
  b.ok = true;
  return b;
}

// socket(domain, type, protocol) -> fd; always non-blocking and close-on-exec.
Napi::Value Socket(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IsInt(info, 0) || !IsInt(info, 1) || !IsInt(info, 2)) return ThrowType(env, "socket(domain, type, protocol)");
  int fd = socket(info[0].As<Napi::Number>().Int32Value(),
                  info[1].As<Napi::Number>().Int32Value() | SOCK_NONBLOCK | SOCK_CLOEXEC,
                  info[2].As<Napi::Number>().Int32Value());
  if (fd < 0) return ThrowErrno(env, "socket", errno);
  return Napi::Number::New(env, fd);
}

// bind(fd, sockaddrBytes)
Napi::Value Bind(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes addr = GetBytes(info, 1);
  if (!IsInt(info, 0) || !addr.ok) return ThrowType(env, "bind(fd, sockaddr: Uint8Array)");
  if (bind(info[0].As<Napi::Number>().Int32Value(), reinterpret_cast<sockaddr*>(addr.data), addr.len) < 0)
    return ThrowErrno(env, "bind", errno);
  return env.Undefined();
}

// setsockopt(fd, level, name, valueBytes)
Napi::Value SetSockOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes val = GetBytes(info, 3);
  if (!IsInt(info, 0) || !IsInt(info, 1) || !IsInt(info, 2) || !val.ok)
    return ThrowType(env, "setsockopt(fd, level, name, value: Uint8Array)");
  if (setsockopt(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value(),
                 info[2].As<Napi::Number>().Int32Value(), val.data, val.len) < 0)
    return ThrowErrno(env, "setsockopt", errno);
  return env.Undefined();
}

// getsockopt(fd, level, name, maxLen) -> Uint8Array of the returned length
Napi::Value GetSockOpt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IsInt(info, 0) || !IsInt(info, 1) || !IsInt(info, 2) || !IsInt(info, 3))
    return ThrowType(env, "getsockopt(fd, level, name, maxLen)");
  uint32_t max = info[3].As<Napi::Number>().Uint32Value();
  if (max > 65536) return ThrowType(env, "getsockopt: maxLen too large");
  std::string buf(max, '\0');
  socklen_t len = max;
  if (getsockopt(info[0].As<Napi::Number>().Int32Value(), info[1].As<Napi::Number>().Int32Value(),
                 info[2].As<Napi::Number>().Int32Value(), buf.data(), &len) < 0)
    return ThrowErrno(env, "getsockopt", errno);
  return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(buf.data()), len < max ? len : max);
}

// getsockname(fd) -> sockaddr bytes
Napi::Value GetSockName(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IsInt(info, 0)) return ThrowType(env, "getsockname(fd)");
  sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(info[0].As<Napi::Number>().Int32Value(), reinterpret_cast<sockaddr*>(&ss), &len) < 0)
    return ThrowErrno(env, "getsockname", errno);
  return Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&ss), len < sizeof ss ? len : sizeof ss);
}

// sendto(fd, data, sockaddrBytes | null, flags) -> bytes sent, or -1 on EAGAIN
Napi::Value SendTo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes data = GetBytes(info, 1);
  if (!IsInt(info, 0) || !data.ok) return ThrowType(env, "sendto(fd, data: Uint8Array, addr: Uint8Array | null, flags)");
  Bytes addr = GetBytes(info, 2);
  int flags = IsInt(info, 3) ? info[3].As<Napi::Number>().Int32Value() : 0;
  ssize_t n = sendto(info[0].As<Napi::Number>().Int32Value(), data.data, data.len, flags | MSG_DONTWAIT,
                     addr.ok ? reinterpret_cast<sockaddr*>(addr.data) : nullptr, addr.ok ? addr.len : 0);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Napi::Number::New(env, -1);
    return ThrowErrno(env, "sendto", errno);
  }
  return Napi::Number::New(env, static_cast<double>(n));
}

// recvmsg(fd, dataBuf, controlLen, flags) -> { n, from, control, flags } | null on EAGAIN.
// Data lands in the caller's buffer; n is the real datagram length (MSG_TRUNC), so n > buf.length
// means the datagram was truncated.
Napi::Value RecvMsg(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Bytes buf = GetBytes(info, 1);
  if (!IsInt(info, 0) || !buf.ok || !IsInt(info, 2)) return ThrowType(env, "recvmsg(fd, buf: Uint8Array, controlLen, flags)");
  uint32_t ctrlLen = info[2].As<Napi::Number>().Uint32Value();
  if (ctrlLen > 65536) return ThrowType(env, "recvmsg: controlLen too large");
  int flags = IsInt(info, 3) ? info[3].As<Napi::Number>().Int32Value() : 0;

  sockaddr_storage from;
  std::string ctrl(ctrlLen, '\0');
  iovec iov{buf.data, buf.len};
  msghdr msg{};
  msg.msg_name = &from;
  msg.msg_namelen = sizeof from;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = ctrlLen ? ctrl.data() : nullptr;
  msg.msg_controllen = ctrlLen;
  ssize_t n = recvmsg(info[0].As<Napi::Number>().Int32Value(), &msg, flags | MSG_DONTWAIT | MSG_TRUNC);
  if (n < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK) return env.Null();
    return ThrowErrno(env, "recvmsg", errno);
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("n", Napi::Number::New(env, static_cast<double>(n)));
  size_t nameLen = msg.msg_namelen < sizeof from ? msg.msg_namelen : sizeof from;
  out.Set("from", Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(&from), nameLen));
  size_t cl = msg.msg_controllen < ctrlLen ? msg.msg_controllen : ctrlLen;
  out.Set("control", Napi::Buffer<uint8_t>::Copy(env, reinterpret_cast<uint8_t*>(ctrl.data()), cl));
  out.Set("flags", Napi::Number::New(env, msg.msg_flags));
  return out;
}

Napi::Value Close(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!IsInt(info, 0)) return ThrowType(env, "close(fd)");
  if (close(info[0].As<Napi::Number>().Int32Value()) < 0) return ThrowErrno(env, "close", errno);
  return env.Undefined();
}

// Poller(fd, onReadable(errCode?)): calls back on the JS thread whenever fd is readable or has a
// pending error (errCode set; recvmsg then reports the real errno). The JS side drains the socket.
// close() stops polling; the handle is freed in uv_close's callback.
class Poller : public Napi::ObjectWrap<Poller> {
 public:
  static Napi::Function Init(Napi::Env env) {
    return DefineClass(env, "Poller",
                       {InstanceMethod("close", &Poller::Close), InstanceMethod("ref", &Poller::RefLoop),
                        InstanceMethod("unref", &Poller::UnrefLoop)});
  }

  explicit Poller(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Poller>(info) {
    Napi::Env env = info.Env();
    if (!IsInt(info, 0) || info.Length() < 2 || !info[1].IsFunction()) {
      Napi::TypeError::New(env, "new Poller(fd, onReadable)").ThrowAsJavaScriptException();
      return;
    }
    uv_loop_t* loop = nullptr;
    if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
      Napi::Error::New(env, "Poller: no event loop").ThrowAsJavaScriptException();
      return;
    }
    handle_ = new uv_poll_t;
    int rc = uv_poll_init(loop, handle_, info[0].As<Napi::Number>().Int32Value());
    if (rc != 0) {
      delete handle_;
      handle_ = nullptr;
      ThrowErrno(env, "uv_poll_init", -rc);
      return;
    }
    handle_->data = this;
    callback_ = Napi::Persistent(info[1].As<Napi::Function>());
    context_ = std::make_unique<Napi::AsyncContext>(env, "ka_net.Poller");
    rc = uv_poll_start(handle_, UV_READABLE, &Poller::OnPoll);
    if (rc != 0) {
      StopHandle();
      ThrowErrno(env, "uv_poll_start", -rc);
      return;
    }
    Ref();  // a running poller must not be collected
  }

  ~Poller() override { StopHandle(); }

 private:
  static void OnPoll(uv_poll_t* h, int status, int /*events*/) {
    Poller* self = static_cast<Poller*>(h->data);
    if (self == nullptr || self->handle_ == nullptr) return;
    Napi::Env env = self->callback_.Env();
    Napi::HandleScope scope(env);
    std::vector<napi_value> args;
    if (status < 0) {
      const char* name = uv_err_name(status);
      args.push_back(Napi::String::New(env, name ? name : "EIO"));
    }
    // Hold the wrapper while JS runs: the handler may close() it and drop every JS reference.
    self->Ref();
    // MakeCallback runs the microtask queue, so awaited requests continue right away.
    self->callback_.MakeCallback(env.Global(), args, *self->context_);
    // A throw inside the handler would otherwise stay pending until an unrelated N-API call.
    if (env.IsExceptionPending()) {
      Napi::Error e = env.GetAndClearPendingException();
      napi_fatal_exception(env, e.Value());
    }
    // libuv reports a socket error (POLLERR, e.g. a netlink ENOBUFS overrun) as UV_EBADF and stops
    // the handle. The handler has read the error with recvmsg by now, so watch the socket again.
    if (status < 0 && self->handle_ != nullptr && self->handle_->data == self) {
      uv_poll_start(self->handle_, UV_READABLE, &Poller::OnPoll);
    }
    self->Unref();
  }

  void StopHandle() {
    if (handle_ == nullptr) return;
    uv_poll_stop(handle_);
    handle_->data = nullptr;
    uv_close(reinterpret_cast<uv_handle_t*>(handle_), [](uv_handle_t* h) { delete reinterpret_cast<uv_poll_t*>(h); });
    handle_ = nullptr;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    if (handle_ != nullptr) {
      StopHandle();
      callback_.Reset();
      Unref();
    }
    return info.Env().Undefined();
  }

  Napi::Value RefLoop(const Napi::CallbackInfo& info) {
    if (handle_ != nullptr) uv_ref(reinterpret_cast<uv_handle_t*>(handle_));
    return info.Env().Undefined();
  }

  Napi::Value UnrefLoop(const Napi::CallbackInfo& info) {
    if (handle_ != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(handle_));
    return info.Env().Undefined();
  }

  uv_poll_t* handle_ = nullptr;
  Napi::FunctionReference callback_;
  std::unique_ptr<Napi::AsyncContext> context_;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("socket", Napi::Function::New(env, Socket));
  exports.Set("bind", Napi::Function::New(env, Bind));
  exports.Set("setsockopt", Napi::Function::New(env, SetSockOpt));
  exports.Set("getsockopt", Napi::Function::New(env, GetSockOpt));
  exports.Set("getsockname", Napi::Function::New(env, GetSockName));
  exports.Set("sendto", Napi::Function::New(env, SendTo));
  exports.Set("recvmsg", Napi::Function::New(env, RecvMsg));
  exports.Set("close", Napi::Function::New(env, Close));
  exports.Set("Poller", Poller::Init(env));
  return exports;
}

}  // namespace

NODE_API_MODULE(ka_net, Init)
