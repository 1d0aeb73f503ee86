// Hand-written (Modifiable; see README.md): the subprocess helper started at import
// (HelperLauncher.cs), until the first call takes it over.
namespace MgBridge
{
    using System;
    using System.Threading.Tasks;

    /// <summary>
    /// The helper started at import, until the first call takes it over (Start-BridgeHelper)
    /// when its Key (interpreter and PYTHONPATH) is what that call would start.
    /// </summary>
    public sealed class EarlyHelper
    {
        private readonly Task<HelperProcess> _start;

        internal EarlyHelper(string key, Task<HelperProcess> start)
        {
            Key = key;
            _start = start;
        }

        /// <summary>"python|PYTHONPATH", as Start-BridgeHelper builds it for a candidate.</summary>
        public string Key { get; }

        /// <summary>
        /// True when taking it over would not wait: it has answered 'hello', or it is gone.
        /// (Until then the first call has time for other work, such as the format data.)
        /// </summary>
        public bool Ready => _start.IsCompleted &&
            (!_start.IsCompletedSuccessfully || _start.Result == null || _start.Result.HasLine(0) || _start.Result.Ended(0));

        /// <summary>The helper, once spawned (waits for the spawn); null if it could not start.</summary>
        public HelperProcess Helper
        {
            get
            {
                try
                {
                    return _start.GetAwaiter().GetResult();
                }
                catch (Exception)
                {
                    return null;
                }
            }
        }
    }
}
