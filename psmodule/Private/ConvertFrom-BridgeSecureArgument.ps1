function ConvertFrom-BridgeSecureArgument {
    # A copy of an args dictionary with SecureStrings (at any dictionary depth) as text;
    # the original (possibly the replay journal) keeps its SecureStrings.
    param([System.Collections.IDictionary]$Arguments)
    $plain = [ordered]@{}
    foreach ($key in @($Arguments.Keys)) {
        $value = $Arguments[$key]
        if ($value -is [System.Security.SecureString]) {
            $value = [System.Net.NetworkCredential]::new('', $value).Password
        } elseif ($value -is [System.Collections.Specialized.OrderedDictionary] -and $key -eq 'environ') {
            $value = ConvertFrom-BridgeSecureArgument $value
        }
        $plain[$key] = $value
    }
    $plain
}
